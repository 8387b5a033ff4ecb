package web

import (
	"net/http"
	"strconv"
)

// Pager describes one page of a list and links to its neighbours. Page
// templates render it with {{template "pager" .Data.Pager}}.
type Pager struct {
	Total   int    // items in all
	Page    int    // the current page, from 1
	Pages   int    // number of pages, at least 1
	PrevURL string // empty on the first page
	NextURL string // empty on the last page
}

// PageParams reads ?page=N (from 1) and returns the offset and limit of that
// page of size items. Bad or missing values mean the first page.
func PageParams(r *http.Request, size int) (offset, limit int) {
	p, err := strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil || p < 1 || p > 1_000_000 {
		p = 1
	}
	return (p - 1) * size, size
}

// NewPager returns the pager of the page at offset with limit items per
// page out of total, linking to r's address with its other query
// parameters kept.
func NewPager(r *http.Request, total, offset, limit int) Pager {
	if limit < 1 {
		limit = 1
	}
	p := Pager{Total: total, Page: offset/limit + 1, Pages: (total + limit - 1) / limit}
	if p.Pages < 1 {
		p.Pages = 1
	}
	if p.Page > 1 {
		p.PrevURL = withQuery(r, "page", strconv.Itoa(p.Page-1))
	}
	if p.Page < p.Pages {
		p.NextURL = withQuery(r, "page", strconv.Itoa(p.Page+1))
	}
	return p
}
