package web

import (
	"fmt"
	"slices"
	"text/template/parse"
)

// Text is a piece of user-visible text in both UI languages.
type Text struct {
	ZH string // Simplified Chinese
	EN string // English
}

// In returns the text in lang ("en", or Chinese for anything else), falling
// back to the other language when it is empty.
func (t Text) In(lang string) string {
	if lang == "en" && t.EN != "" || t.ZH == "" {
		return t.EN
	}
	return t.ZH
}

// Link is a labelled link, such as a federated login provider's entry on
// the login page.
type Link struct {
	Label Text
	URL   string
}

// Messages is a message catalog: keys, conventionally "module.page.what",
// to their text. Templates translate keys with the t function.
type Messages map[string]Text

// catalog is the union of every module's messages.
type catalog map[string]Text

// add merges m into c, refusing keys defined twice.
func (c catalog) add(module string, m Messages) error {
	for k, v := range m {
		if _, dup := c[k]; dup {
			return fmt.Errorf("message key %q of module %q is already defined", k, module)
		}
		if v.ZH == "" || v.EN == "" {
			return fmt.Errorf("message key %q of module %q lacks its Chinese or English text", k, module)
		}
		c[k] = v
	}
	return nil
}

// text returns the key's text in lang, or the key itself when it is not in
// the catalog, so that a missing message shows up on the page instead of
// breaking it.
func (c catalog) text(lang, key string) string {
	if t, ok := c[key]; ok {
		return t.In(lang)
	}
	return key
}

// usedKeys returns the string constants passed to the t and tf functions in
// the parse tree rooted at n.
func usedKeys(n parse.Node, into map[string]bool) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			usedKeys(c, into)
		}
	case *parse.ActionNode:
		usedKeys(n.Pipe, into)
	case *parse.PipeNode:
		if n == nil {
			return
		}
		for _, c := range n.Cmds {
			usedKeys(c, into)
		}
	case *parse.CommandNode:
		for i, a := range n.Args {
			if id, ok := a.(*parse.IdentifierNode); ok && (id.Ident == "t" || id.Ident == "tf") && i+1 < len(n.Args) {
				if s, ok := n.Args[i+1].(*parse.StringNode); ok {
					into[s.Text] = true
				}
			}
			usedKeys(a, into)
		}
	case *parse.IfNode:
		usedKeys(n.Pipe, into)
		usedKeys(n.List, into)
		usedKeys(n.ElseList, into)
	case *parse.RangeNode:
		usedKeys(n.Pipe, into)
		usedKeys(n.List, into)
		usedKeys(n.ElseList, into)
	case *parse.WithNode:
		usedKeys(n.Pipe, into)
		usedKeys(n.List, into)
		usedKeys(n.ElseList, into)
	case *parse.TemplateNode:
		usedKeys(n.Pipe, into)
	}
}

// missing returns the sorted keys of used that c lacks.
func (c catalog) missing(used map[string]bool) []string {
	var out []string
	for k := range used {
		if _, ok := c[k]; !ok {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// shellMessages is the catalog of the layout and the error page.
var shellMessages = Messages{
	"web.site.name":        {ZH: "鹏城 · 数字政府", EN: "Pengcheng · Digital Government"},
	"web.site.short":       {ZH: "鹏城数字政府", EN: "Pengcheng Digital Government"},
	"web.site.tagline":     {ZH: "一网通办 · 一号连通", EN: "One-stop services · One account"},
	"web.nav.label":        {ZH: "主导航", EN: "Main navigation"},
	"web.nav.home":         {ZH: "首页", EN: "Home"},
	"web.nav.admin":        {ZH: "管理", EN: "Administration"},
	"web.nav.login":        {ZH: "登录", EN: "Sign in"},
	"web.nav.logout":       {ZH: "退出", EN: "Sign out"},
	"web.nav.menu":         {ZH: "菜单", EN: "Menu"},
	"web.nav.signed_in_as": {ZH: "当前用户", EN: "Signed in as"},
	"web.lang.label":       {ZH: "语言", EN: "Language"},
	"web.lang.zh":          {ZH: "中文", EN: "中文"},
	"web.lang.en":          {ZH: "English", EN: "English"},
	"web.skip":             {ZH: "跳到主要内容", EN: "Skip to main content"},
	"web.footer.about":     {ZH: "鹏城数字政府平台 · 开源软件", EN: "Pengcheng digital-government platform · open-source software"},
	"web.footer.help":      {ZH: "如需帮助，请联系所在区政务服务中心。", EN: "For help, please contact your district's government service centre."},
	"web.error.title":      {ZH: "出错了", EN: "Something went wrong"},
	"web.error.status":     {ZH: "错误代码：%d", EN: "Error code: %d"},
	"web.error.home":       {ZH: "返回首页", EN: "Back to the home page"},
	"web.error.back":       {ZH: "返回上一页", EN: "Go back"},
	"web.error.login":      {ZH: "前往登录", EN: "Sign in"},
	"web.error.400":        {ZH: "请求有误", EN: "Bad request"},
	"web.error.401":        {ZH: "需要登录", EN: "Sign-in required"},
	"web.error.403":        {ZH: "无权访问", EN: "Access denied"},
	"web.error.404":        {ZH: "页面不存在", EN: "Page not found"},
	"web.error.409":        {ZH: "操作冲突", EN: "Conflict"},
	"web.error.422":        {ZH: "输入有误", EN: "Invalid input"},
	"web.error.429":        {ZH: "操作过于频繁", EN: "Too many requests"},
	"web.error.500":        {ZH: "服务器内部错误", EN: "Internal error"},
	"web.pager.label":      {ZH: "分页", EN: "Pages"},
	"web.pager.count":      {ZH: "共 %d 条", EN: "%d in all"},
	"web.pager.prev":       {ZH: "上一页", EN: "Previous"},
	"web.pager.next":       {ZH: "下一页", EN: "Next"},
	"web.pager.total":      {ZH: "共 %d 条，第 %d / %d 页", EN: "%d in all, page %d of %d"},
	"web.form.required":    {ZH: "必填", EN: "required"},
	"web.form.submit":      {ZH: "提交", EN: "Submit"},
	"web.form.search":      {ZH: "查询", EN: "Search"},
	"web.form.reset":       {ZH: "重置", EN: "Reset"},
	"web.empty":            {ZH: "暂无数据", EN: "Nothing to show"},
	"web.flash.close":      {ZH: "关闭", EN: "Close"},
	"web.time.never":       {ZH: "从未", EN: "never"},
}
