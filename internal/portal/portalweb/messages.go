package portalweb

import "github.com/pengcheng-gov/pengcheng/internal/web"

// messages is the catalog of the home page.
var messages = web.Messages{
	"portal.title":      {ZH: "首页", EN: "Home"},
	"portal.hero.title": {ZH: "一网通办，办事不用跑", EN: "One-stop government services, online"},
	"portal.hero.lead": {ZH: "%d 项政务服务事项在线申请，%s 可网上全流程办理。",
		EN: "%d government services to apply for online; %s can be handled entirely online."},
	"portal.search.label":       {ZH: "搜索办事事项", EN: "Search the services"},
	"portal.search.placeholder": {ZH: "想办什么事？如：办护照、社保卡、开公司", EN: "What do you need? e.g. passport, social security card"},
	"portal.search.submit":      {ZH: "搜索", EN: "Search"},
	"portal.search.hints":       {ZH: "大家都在搜：", EN: "Popular searches:"},

	"portal.recs.title": {ZH: "为您推荐", EN: "Recommended for you"},
	"portal.recs.apply": {ZH: "申请", EN: "Apply"},
	"portal.recs.none":  {ZH: "暂无推荐。办理过事项后，这里会推荐相关服务。", EN: "Nothing to recommend yet. Once you have applied for something, related services appear here."},
	"portal.recs.mine":  {ZH: "查看我的办件", EN: "My applications"},

	"portal.tools.title":                   {ZH: "工作台", EN: "Your tools"},
	"portal.tool.console":                  {ZH: "办件受理台", EN: "Caseworker console"},
	"portal.tool.console_desc":             {ZH: "本部门办件的受理、审查与决定", EN: "Accept, review and decide your department's applications"},
	"portal.tool.halls":                    {ZH: "大厅排队叫号", EN: "Hall queues"},
	"portal.tool.halls_desc":               {ZH: "当日预约与窗口叫号", EN: "Today's appointments and calling the queue"},
	"portal.tool.services":                 {ZH: "事项管理", EN: "Service catalogue"},
	"portal.tool.services_desc":            {ZH: "编辑本部门的办事事项", EN: "Edit your department's services"},
	"portal.tool.accounts":                 {ZH: "账号管理", EN: "Accounts"},
	"portal.tool.accounts_desc":            {ZH: "创建和管理工作人员账号", EN: "Create and manage staff accounts"},
	"portal.tool.audit":                    {ZH: "认证审计", EN: "Sign-in audit"},
	"portal.tool.audit_desc":               {ZH: "登录与账号变更记录", EN: "Sign-ins and account changes"},
	"portal.tool.sso":                      {ZH: "单点登录应用", EN: "Single sign-on clients"},
	"portal.tool.sso_desc":                 {ZH: "接入统一身份认证的部门系统", EN: "Department systems that sign in through the platform"},
	"portal.tool.stats":                    {ZH: "数据公开", EN: "Indicators"},
	"portal.tool.stats_desc":               {ZH: "事项与办件公开指标", EN: "Public indicators of services and applications"},
	"portal.themes.person":                 {ZH: "个人办事 · 人生大事", EN: "For individuals: life events"},
	"portal.themes.enterprise":             {ZH: "法人办事 · 企业大事", EN: "For businesses: business events"},
	"portal.popular.title":                 {ZH: "热门事项", EN: "Popular services"},
	"portal.popular.none":                  {ZH: "近 30 天暂无申请。", EN: "No applications in the last 30 days."},
	"portal.popular.more":                  {ZH: "更多热门事项", EN: "More popular services"},
	"portal.services.all":                  {ZH: "全部办事事项", EN: "All services"},
	"portal.indicators.title":              {ZH: "数据公开", EN: "Indicators"},
	"portal.indicators.zero_trip":          {ZH: "零跑腿事项", EN: "No visit needed"},
	"portal.indicators.one_trip":           {ZH: "最多跑一次", EN: "At most one visit"},
	"portal.indicators.online":             {ZH: "网上全流程办理", EN: "Fully online"},
	"portal.indicators.online_application": {ZH: "近 30 天上网办理率", EN: "Applied online, last 30 days"},
	"portal.indicators.more":               {ZH: "查看全部指标与口径", EN: "All indicators and their definitions"},
}
