package insightsweb

import "github.com/pengcheng-gov/pengcheng/internal/web"

// messages is the catalog of the rankings' and indicators' pages.
var messages = web.Messages{
	"insights.nav.stats": {ZH: "数据公开", EN: "Indicators"},

	"insights.badge.zero_trip": {ZH: "零跑腿", EN: "No visit"},
	"insights.badge.one_trip":  {ZH: "最多跑一次", EN: "At most one visit"},
	"insights.badge.online":    {ZH: "全程网办", EN: "Fully online"},
	"insights.hours":           {ZH: "%.1f 小时", EN: "%.1f h"},
	"insights.days":            {ZH: "%.1f 天", EN: "%.1f days"},

	"insights.field.department": {ZH: "部门", EN: "Department"},
	"insights.field.from":       {ZH: "开始日期", EN: "From"},
	"insights.field.to":         {ZH: "结束日期", EN: "To"},
	"insights.all_departments":  {ZH: "全部部门", EN: "All departments"},
	"insights.back_to_services": {ZH: "返回办事服务", EN: "Back to the services"},

	"insights.popular.title":  {ZH: "热门事项", EN: "Popular services"},
	"insights.popular.intro":  {ZH: "近 30 天申请量最多的事项，按申请件数排序。", EN: "The services most applied for in the last 30 days, by number of applications."},
	"insights.popular.all":    {ZH: "全部部门热门事项", EN: "Popular across all departments"},
	"insights.popular.of":     {ZH: "%s 热门事项", EN: "Popular in %s"},
	"insights.popular.count":  {ZH: "%d 件申请", EN: "%d applications"},
	"insights.popular.window": {ZH: "统计区间：%s 至 %s（近 30 天）", EN: "Counted from %s to %s (the last 30 days)"},
	"insights.popular.none":   {ZH: "近 30 天暂无申请。", EN: "No applications in the last 30 days."},

	"insights.related.title":   {ZH: "办理「%s」的人还办理了", EN: "People who applied for “%s” also applied for"},
	"insights.related.heading": {ZH: "办理此事项的人还办理了", EN: "People who applied for this also applied for"},
	"insights.related.method": {
		ZH: "依据近 180 天的真实办件：同一申请人还办理过的其他事项，按提升度排序（在本事项申请人中的办理比例 ÷ 在全部申请人中的办理比例）；至少 %d 位申请人两项都办理过才列出，人人都办的热门事项不会因此排在前面。",
		EN: "From the last 180 days of real applications: the other services that the same applicants applied for, ranked by lift (the share of this service's applicants who applied for it ÷ its share among all applicants); a pair is listed once at least %d applicants applied for both, so services that everybody applies for do not crowd out the ones that really go together."},
	"insights.related.stats": {ZH: "%d 人两项都办理了 · 占本事项申请人 %s · 提升度 %.1f",
		EN: "%d applied for both · %s of this service's applicants · lift %.1f"},
	"insights.related.none": {ZH: "暂无足够的办件数据。", EN: "Not enough applications yet."},
	"insights.related.back": {ZH: "返回「%s」", EN: "Back to “%s”"},

	"insights.guide.title": {ZH: "办事指南", EN: "Step by step"},
	"insights.guide.ordered": {
		ZH: "步骤顺序依据近一年的办件：其中 %d 对事项的先后由多数申请人的实际办理顺序决定，其余按办理量和目录顺序排列。",
		EN: "The order comes from the last year's applications: %d pairs of steps are in the order most applicants took them, the rest by number of applications and catalogue order."},
	"insights.guide.catalogue_order": {ZH: "暂无足够的办件数据，步骤按办理量和目录顺序排列。",
		EN: "There are not enough applications yet to tell the order people take; the steps are by number of applications and catalogue order."},
	"insights.guide.step":       {ZH: "第 %d 步：", EN: "Step %d: "},
	"insights.guide.apply":      {ZH: "申请办理", EN: "Apply"},
	"insights.guide.also":       {ZH: "办完这些的人还常办理", EN: "People who took these steps also often applied for"},
	"insights.guide.theme_page": {ZH: "查看主题全部事项", EN: "All services of this theme"},

	"insights.stats.title": {ZH: "数据公开：政务服务指标", EN: "Public indicators of government services"},
	"insights.stats.intro": {ZH: "事项目录与办件数据的公开指标，每项比例均附分子与分母，口径见页面底部。",
		EN: "Public indicators from the service catalogue and the applications. Every share comes with its numerator and denominator; the definitions are at the bottom of the page."},
	"insights.stats.show":   {ZH: "查看", EN: "Show"},
	"insights.stats.period": {ZH: "统计区间：%s 至 %s，共 %d 天", EN: "Period: %s to %s, %d days"},

	"insights.stats.catalogue":           {ZH: "事项目录指标", EN: "Service catalogue"},
	"insights.stats.catalogue_note":      {ZH: "按当前事项目录计算，共 %d 项事项。", EN: "From the catalogue as it stands: %d services."},
	"insights.stats.zero_trip":           {ZH: "零跑腿", EN: "Zero trips"},
	"insights.stats.at_most_one_trip":    {ZH: "最多跑一次", EN: "At most one trip"},
	"insights.stats.online_full_process": {ZH: "网上全流程办理", EN: "Fully online"},

	"insights.stats.applications":       {ZH: "办件指标", EN: "Applications"},
	"insights.stats.applications_note":  {ZH: "统计期内提交 %d 件，作出决定 %d 件。", EN: "%d submitted and %d decided in the period."},
	"insights.stats.online_application": {ZH: "上网办理率", EN: "Online application rate"},
	"insights.stats.online_completion":  {ZH: "网上办结率", EN: "Online completion rate"},
	"insights.stats.on_time":            {ZH: "按时办结率", EN: "On-time completion rate"},
	"insights.stats.median":             {ZH: "办理时长中位数", EN: "Median time to decision"},
	"insights.stats.of_decided":         {ZH: "基于 %d 件已决定的办件", EN: "of %d decided applications"},

	"insights.stats.daily":         {ZH: "每日办件量", EN: "Applications per day"},
	"insights.stats.compare":       {ZH: "各部门办件指标对比（%）", EN: "Departments compared (%)"},
	"insights.stats.by_department": {ZH: "各部门指标", EN: "By department"},
	"insights.stats.items":         {ZH: "事项数", EN: "Services"},
	"insights.stats.submitted":     {ZH: "提交件数", EN: "Submitted"},
	"insights.stats.definitions":   {ZH: "指标口径", EN: "Definitions"},
	"insights.stats.api":           {ZH: "机器可读数据：", EN: "Machine-readable data:"},

	"insights.chart.submitted": {ZH: "提交件数", EN: "Submitted"},
	"insights.chart.online":    {ZH: "其中网上或移动端", EN: "of which online or mobile"},
	"insights.chart.decided":   {ZH: "作出决定", EN: "Decided"},
}
