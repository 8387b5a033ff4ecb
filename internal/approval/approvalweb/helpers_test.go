package approvalweb_test

import "html"

// htmlUnescape decodes a textarea's content.
func htmlUnescape(s string) string { return html.UnescapeString(s) }
