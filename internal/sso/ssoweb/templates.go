package ssoweb

import (
	"embed"
	"io/fs"

	"github.com/pengcheng-gov/pengcheng/internal/identity"
	"github.com/pengcheng-gov/pengcheng/internal/web"
)

//go:embed templates/*.html
var templateFiles embed.FS

// Templates returns the module's pages ("sso/consent", …), messages and
// administration menu entries, for web.Options.Templates.
func Templates() web.TemplateSet {
	sub, err := fs.Sub(templateFiles, "templates")
	if err != nil {
		panic(err) // the embedded directory exists at build time
	}
	isAdmin := func(a *identity.Account) bool { return a.HasRole(identity.PlatformAdmin) }
	return web.TemplateSet{
		Module:   "sso",
		FS:       sub,
		Messages: messages,
		Nav: []web.NavItem{
			{Label: "sso.nav.authorizations", Path: authorizationsPath, Show: func(a *identity.Account) bool { return a != nil }},
			{Label: "sso.nav.clients", Path: adminClientsPath, Admin: true, Show: isAdmin},
			{Label: "sso.nav.federation", Path: adminFedPath, Admin: true, Show: isAdmin},
		},
	}
}

// messages is the module's message catalog.
var messages = web.Messages{
	"sso.nav.authorizations": {ZH: "应用授权", EN: "App permissions"},
	"sso.nav.clients":        {ZH: "接入应用", EN: "Single sign-on clients"},
	"sso.nav.federation":     {ZH: "交叉认证", EN: "Cross-authentication"},

	"sso.consent.title":    {ZH: "授权确认", EN: "Allow access"},
	"sso.consent.intro":    {ZH: "“%s”请求通过鹏城统一身份认证获取以下信息：", EN: "“%s” asks to receive the following through Pengcheng single sign-on:"},
	"sso.consent.as":       {ZH: "当前登录：%s", EN: "Signed in as %s"},
	"sso.consent.remember": {ZH: "同意后，下次登录此应用时不再询问；您可以随时撤销授权。", EN: "If you allow, you will not be asked again for this application; you can withdraw your consent at any time."},
	"sso.consent.allow":    {ZH: "同意", EN: "Allow"},
	"sso.consent.deny":     {ZH: "拒绝", EN: "Deny"},

	"sso.scope.openid":         {ZH: "确认您的身份（账户标识）", EN: "Confirm who you are (your account identifier)"},
	"sso.scope.profile":        {ZH: "姓名、用户名和账户类型；工作人员的部门和角色", EN: "Your name, user name and account kind; for staff, department and roles"},
	"sso.scope.email":          {ZH: "电子邮箱", EN: "Your e-mail address"},
	"sso.scope.phone":          {ZH: "手机号码", EN: "Your mobile phone number"},
	"sso.scope.offline_access": {ZH: "在您离开后继续访问（长期授权）", EN: "Keep access while you are away (long-lived authorisation)"},
	"sso.scope.idnumber":       {ZH: "居民身份证号码", EN: "Your resident identity number"},

	"sso.logout.title":    {ZH: "退出登录", EN: "Sign out"},
	"sso.logout.question": {ZH: "一个应用请求退出您在鹏城统一身份认证的登录。要退出吗？", EN: "An application asks to sign you out of Pengcheng single sign-on. Sign out?"},
	"sso.logout.confirm":  {ZH: "退出", EN: "Sign out"},
	"sso.logout.cancel":   {ZH: "保持登录", EN: "Stay signed in"},

	"sso.fed.error_title": {ZH: "无法通过上级平台登录", EN: "Sign-in through the upstream platform failed"},
	"sso.fed.error_from":  {ZH: "来自：%s", EN: "From: %s"},
	"sso.fed.error_login": {ZH: "返回登录页", EN: "Back to sign-in"},
	"sso.fed.error_home":  {ZH: "返回首页", EN: "Home"},

	"sso.clients.title": {ZH: "统一身份认证接入应用", EN: "Single sign-on clients"},
	"sso.clients.intro": {ZH: "各部门业务系统作为依赖方接入鹏城统一身份认证（OpenID Connect）。", EN: "Departments' systems sign people in through Pengcheng as OpenID Connect relying parties."},
	"sso.clients.new":   {ZH: "登记新应用", EN: "Register a client"},
	"sso.clients.edit":  {ZH: "编辑应用", EN: "Edit client"},
	"sso.clients.none":  {ZH: "尚未登记任何应用。", EN: "No client is registered yet."},

	"sso.client.name":          {ZH: "应用名称", EN: "Name"},
	"sso.client.id":            {ZH: "客户端标识（client_id）", EN: "Client id"},
	"sso.client.id_help":       {ZH: "留空则自动生成；3至64位小写字母、数字或 . _ -。", EN: "Leave empty to generate one; 3 to 64 lower-case letters, digits or . _ -."},
	"sso.client.department":    {ZH: "所属部门代码", EN: "Department code"},
	"sso.client.type":          {ZH: "类型", EN: "Type"},
	"sso.client.public":        {ZH: "公开（PKCE）", EN: "Public (PKCE)"},
	"sso.client.confidential":  {ZH: "机密（密钥）", EN: "Confidential (secret)"},
	"sso.client.scopes":        {ZH: "允许的授权范围", EN: "Allowed scopes"},
	"sso.client.grants":        {ZH: "允许的授权方式", EN: "Allowed grant types"},
	"sso.client.status":        {ZH: "状态", EN: "Status"},
	"sso.client.redirect_uris": {ZH: "登录回调地址", EN: "Redirect URIs"},
	"sso.client.logout_uris":   {ZH: "退出后跳转地址", EN: "Post-logout redirect URIs"},
	"sso.client.one_per_line":  {ZH: "每行一个完整地址。", EN: "One absolute URI per line."},
	"sso.client.public_help":   {ZH: "公开客户端（手机应用或浏览器应用，无密钥，必须使用 PKCE）", EN: "Public client (mobile or browser app: no secret, PKCE required)"},
	"sso.client.disable":       {ZH: "停用此应用", EN: "Disable this client"},
	"sso.client.reset_secret":  {ZH: "重置密钥", EN: "Reset secret"},
	"sso.client.delete":        {ZH: "删除应用", EN: "Delete client"},

	"sso.secret.title":  {ZH: "应用凭证", EN: "Client credentials"},
	"sso.secret.once":   {ZH: "请立即将密钥安全地交给应用的运维人员：离开此页后将无法再次查看，只能重置。", EN: "Hand the secret to the client's operators securely now: it cannot be shown again, only reset."},
	"sso.secret.public": {ZH: "公开客户端没有密钥，须使用 PKCE。", EN: "A public client has no secret and must use PKCE."},
	"sso.secret.done":   {ZH: "完成", EN: "Done"},

	"sso.fed.title":         {ZH: "交叉认证：上级认证平台", EN: "Cross-authentication: upstream issuers"},
	"sso.fed.intro":         {ZH: "在上级平台登记本平台时使用的回调地址：", EN: "Redirect URI to register for Pengcheng at the upstream issuer:"},
	"sso.fed.new":           {ZH: "添加上级平台", EN: "Add an upstream issuer"},
	"sso.fed.edit":          {ZH: "编辑上级平台", EN: "Edit upstream issuer"},
	"sso.fed.none":          {ZH: "尚未配置上级认证平台。", EN: "No upstream issuer is configured."},
	"sso.fed.id":            {ZH: "标识", EN: "Id"},
	"sso.fed.id_help":       {ZH: "2至32位小写字母、数字或连字符，用于网址。", EN: "2 to 32 lower-case letters, digits or hyphens, used in URLs."},
	"sso.fed.name":          {ZH: "平台名称", EN: "Name"},
	"sso.fed.issuer":        {ZH: "签发者地址（issuer）", EN: "Issuer URL"},
	"sso.fed.client_id":     {ZH: "本平台在上级平台的客户端标识", EN: "Pengcheng's client id at the issuer"},
	"sso.fed.client_secret": {ZH: "客户端密钥", EN: "Client secret"},
	"sso.fed.secret_keep":   {ZH: "留空则保留原密钥。", EN: "Leave empty to keep the stored secret."},
	"sso.fed.scopes":        {ZH: "请求的授权范围（空格分隔）", EN: "Scopes to request (space-separated)"},
	"sso.fed.claim":         {ZH: "身份证号码所在声明", EN: "Claim with the identity number"},
	"sso.fed.enabled":       {ZH: "启用（在登录页显示）", EN: "Enabled (shown on the sign-in page)"},

	"sso.status.enabled":  {ZH: "启用", EN: "Enabled"},
	"sso.status.disabled": {ZH: "停用", EN: "Disabled"},
	"sso.edit":            {ZH: "编辑", EN: "Edit"},
	"sso.save":            {ZH: "保存", EN: "Save"},
	"sso.cancel":          {ZH: "取消", EN: "Cancel"},

	"sso.auth.title":    {ZH: "已授权的应用", EN: "Applications you allowed"},
	"sso.auth.intro":    {ZH: "以下部门业务系统可以通过统一身份认证获取您的信息。撤销后，该应用的登录状态和访问令牌立即失效，下次登录时会再次询问您。", EN: "These departments' systems may receive your information through single sign-on. Withdrawing ends the application's access at once; it will ask you again next time."},
	"sso.auth.scopes":   {ZH: "可获取的信息", EN: "What it receives"},
	"sso.auth.granted":  {ZH: "授权时间", EN: "Allowed on"},
	"sso.auth.revoke":   {ZH: "撤销授权", EN: "Withdraw"},
	"sso.auth.none":     {ZH: "您尚未授权任何应用。", EN: "You have not allowed any application."},
	"sso.flash.revoked": {ZH: "已撤销授权。", EN: "Permission withdrawn."},

	"sso.flash.client_saved":     {ZH: "应用已保存。", EN: "Client saved."},
	"sso.flash.client_deleted":   {ZH: "应用已删除。", EN: "Client deleted."},
	"sso.flash.federation_saved": {ZH: "上级认证平台已保存。", EN: "Upstream issuer saved."},
}
