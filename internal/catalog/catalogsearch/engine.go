package catalogsearch

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

// Source is where the engine reads the catalogue; catalog.Service
// implements it.
type Source interface {
	Departments(ctx context.Context) ([]*catalog.Department, error)
	Themes(ctx context.Context) ([]*catalog.Theme, error)
	Items(ctx context.Context, f catalog.ItemFilter) ([]*catalog.Item, int, error)
	Revision(ctx context.Context) (int64, error)
}

// Hit is one item found, with what a result list shows of it.
type Hit struct {
	Code              string   `json:"code"`
	Name              string   `json:"name"`
	Department        string   `json:"department"`
	DepartmentName    string   `json:"department_name"`
	Score             float64  `json:"score"`
	MaxTrips          int      `json:"max_trips"`
	OnlineFullProcess bool     `json:"online_full_process"`
	PromisedDays      int      `json:"promised_days"`
	LegalDays         int      `json:"legal_days"`
	Themes            []string `json:"themes"`
}

// MaxResults is the most results a search ranks: the largest limit, and
// the cap of [Result.Total].
const MaxResults = 100

// Result is the answer to a search.
type Result struct {
	Hits []Hit // best first, at most the limit asked for
	// Total counts the items that matched well enough (the first five,
	// and those with a score of at least a fifth of the best), at most
	// MaxResults.
	Total int
	Query Query // the query as analysed
}

// BuildStats describes the index in use.
type BuildStats struct {
	Revision int64         // the catalogue revision it was built from
	Items    int           // items indexed
	Took     time.Duration // how long the build took
	At       time.Time     // when it finished
	// ByDepartment and ByTheme count the indexed items per department
	// and theme code, for browsing pages.
	ByDepartment map[string]int
	ByTheme      map[string]int
}

// Engine answers searches over the catalogue from an index in memory,
// rebuilt when the catalogue changes. It is safe for concurrent use:
// searches use the current index while a new one is built.
type Engine struct {
	src      Source
	analyzer *Analyzer
	norm     *Normalizer
	py       *Pinyin
	log      *slog.Logger

	cur     atomic.Pointer[snapshot]
	buildMu sync.Mutex    // one build at a time
	wake    chan struct{} // Invalidate's signal to Watch
}

// snapshot is one built index with the items it holds.
type snapshot struct {
	index bleve.Index
	hits  map[string]Hit      // item code → its hit without score
	texts map[string]itemText // item code → what its text holds, for the relevance floor
	stats BuildStats
}

// New returns an engine reading the catalogue from src, with the
// synonyms shipped in synonyms.txt. The index is built by the first
// [Engine.Refresh] (or the first search).
func New(src Source, log *slog.Logger) (*Engine, error) {
	if log == nil {
		log = slog.Default()
	}
	n, err := NewNormalizer()
	if err != nil {
		return nil, err
	}
	d, err := ParseDictionary(synonymsFile, n)
	if err != nil {
		return nil, err
	}
	py := NewPinyin()
	return &Engine{src: src, analyzer: NewAnalyzer(n, d, py), norm: n, py: py, log: log,
		wake: make(chan struct{}, 1)}, nil
}

// Analyze returns the analysis of a query, for explaining results.
func (e *Engine) Analyze(q string) Query { return e.analyzer.Analyze(q) }

// Stats describes the index in use; zero before the first build. Its
// maps are shared: do not change them.
func (e *Engine) Stats() BuildStats {
	if s := e.cur.Load(); s != nil {
		return s.stats
	}
	return BuildStats{}
}

// Refresh builds a new index when the catalogue's revision differs from
// the current index's (or there is none yet) and swaps it in.
func (e *Engine) Refresh(ctx context.Context) error {
	e.buildMu.Lock()
	defer e.buildMu.Unlock()
	rev, err := e.src.Revision(ctx)
	if err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	if s := e.cur.Load(); s != nil && s.stats.Revision == rev {
		return nil
	}
	s, err := e.build(ctx, rev)
	if err != nil {
		return err
	}
	// Searches still holding the old snapshot finish on it; a memory
	// index holds no goroutines or files, so the garbage collector frees
	// it (closing it could fail those searches).
	e.cur.Store(s)
	e.log.InfoContext(ctx, "search index built", "revision", rev, "items", s.stats.Items, "took", s.stats.Took)
	return nil
}

// Invalidate asks [Engine.Watch] to refresh now, e.g. after an edit
// (catalog.Service.OnChange). It never blocks.
func (e *Engine) Invalidate() {
	select {
	case e.wake <- struct{}{}:
	default:
	}
}

// Watch keeps the index current until ctx ends: it refreshes when
// [Engine.Invalidate] is called and every interval (so that changes made
// by other instances sharing the database are picked up), logging
// failures. interval defaults to 30 seconds.
func (e *Engine) Watch(ctx context.Context, interval time.Duration) {
	if interval <= 0 {
		interval = 30 * time.Second
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-e.wake:
		}
		if err := e.Refresh(ctx); err != nil && ctx.Err() == nil {
			e.log.ErrorContext(ctx, "refresh search index", "err", err)
		}
	}
}

// build reads the whole catalogue and indexes it.
func (e *Engine) build(ctx context.Context, rev int64) (*snapshot, error) {
	start := time.Now()
	depts, err := e.src.Departments(ctx)
	if err != nil {
		return nil, fmt.Errorf("search index: %w", err)
	}
	themes, err := e.src.Themes(ctx)
	if err != nil {
		return nil, fmt.Errorf("search index: %w", err)
	}
	items, _, err := e.src.Items(ctx, catalog.ItemFilter{})
	if err != nil {
		return nil, fmt.Errorf("search index: %w", err)
	}
	byDept := map[string]*catalog.Department{}
	for _, d := range depts {
		byDept[d.Code] = d
	}
	byTheme := map[string]*catalog.Theme{}
	for _, t := range themes {
		byTheme[t.Code] = t
	}
	m, err := newMapping()
	if err != nil {
		return nil, err
	}
	idx, err := bleve.NewUsing("", m, scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("search index: %w", err)
	}
	s := &snapshot{index: idx, hits: make(map[string]Hit, len(items)), texts: make(map[string]itemText, len(items))}
	batch := idx.NewBatch()
	for _, it := range items {
		dept := byDept[it.Department]
		dc := newDoc(it, dept, byTheme, e.norm, e.py)
		if err := batch.Index(it.Code, dc); err != nil {
			return nil, fmt.Errorf("search index: item %s: %w", it.Code, err)
		}
		s.texts[it.Code] = newItemText(dc)
		h := Hit{Code: it.Code, Name: it.Name, Department: it.Department, MaxTrips: it.MaxTrips,
			OnlineFullProcess: it.OnlineFullProcess, PromisedDays: it.PromisedDays, LegalDays: it.LegalDays,
			Themes: append([]string{}, it.Themes...)}
		if dept != nil {
			h.DepartmentName = dept.Name
		}
		s.hits[it.Code] = h
	}
	if err := idx.Batch(batch); err != nil {
		return nil, fmt.Errorf("search index: %w", err)
	}
	s.stats = BuildStats{Revision: rev, Items: len(items), ByDepartment: map[string]int{}, ByTheme: map[string]int{}}
	for _, it := range items {
		s.stats.ByDepartment[it.Department]++
		for _, t := range it.Themes {
			s.stats.ByTheme[t]++
		}
	}
	s.stats.Took, s.stats.At = time.Since(start), time.Now()
	return s, nil
}

// Field weights: how much a match in each field counts. The query's own
// words weigh most in the name, then keywords; terms added by synonyms
// weigh a little less than typed words; an exact name or keyword beats
// everything; pinyin and initials (which cover both typed pinyin and
// homophones of typed characters) weigh about as much as keywords.
var weights = struct {
	name, keywords, themes, dept, desc float64
	expansion                          float64 // factor on synonym terms
	exact                              float64
	pinyin, sound, initials            float64
	cutoff                             float64 // results below cutoff × the best score are dropped …
	keep                               int     // … after the first keep
	followUp                           float64 // factor on follow-up items when the query asks for none
}{
	name: 3, keywords: 2, themes: 1, dept: 0.5, desc: 0.3,
	expansion: 0.8,
	exact:     8,
	pinyin:    2, sound: 2, initials: 2,
	cutoff:   0.2,
	keep:     5,
	followUp: 0.7,
}

// Search returns the items that best match q, at most limit (1 to 100),
// best first. An empty or over-long q is an errs.Invalid error on field
// q. The first search builds the index if no [Engine.Refresh] did.
func (e *Engine) Search(ctx context.Context, q string, limit int) (*Result, error) {
	if err := CheckQuery(q); err != nil {
		return nil, err
	}
	if limit < 1 || limit > MaxResults {
		return nil, errs.Field("limit", "search.limit", "limit 应为 1 到 100 之间的整数", "limit must be a whole number from 1 to 100")
	}
	s := e.cur.Load()
	if s == nil {
		if err := e.Refresh(ctx); err != nil {
			return nil, err
		}
		s = e.cur.Load()
	}
	aq := e.analyzer.Analyze(q)
	res := &Result{Query: aq, Hits: []Hit{}}
	bq := buildQuery(aq)
	if bq == nil {
		return res, nil
	}
	req := bleve.NewSearchRequestOptions(bq, MaxResults, 0, false)
	sr, err := s.index.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", q, err)
	}
	hits := make([]Hit, 0, len(sr.Hits))
	followUp := wantsFollowUp(aq)
	floor := newFloor(aq)
	for _, m := range sr.Hits {
		h, ok := s.hits[m.ID]
		if !ok || !floor.passes(s.texts[m.ID]) {
			continue
		}
		h.Score = m.Score
		if !followUp && isFollowUp(h.Name) {
			h.Score *= weights.followUp
		}
		hits = append(hits, h)
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].Score > hits[j].Score })
	for i, h := range hits {
		// An exact name scores far above its siblings (办护照 is a keyword
		// of 普通护照签发, not of 换发 or 补发); the first few that passed
		// the floor stay, so that the family is shown.
		if i >= weights.keep && h.Score < hits[0].Score*weights.cutoff {
			break
		}
		res.Total++
		if len(res.Hits) < limit {
			res.Hits = append(res.Hits, h)
		}
	}
	return res, nil
}

// buildQuery turns an analysed query into a bleve query, or nil when
// there is nothing to search for.
func buildQuery(q Query) query.Query {
	var qs []query.Query
	match := func(text, field string, boost float64) {
		if text == "" {
			return
		}
		m := bleve.NewMatchQuery(text)
		m.SetField(field)
		m.SetBoost(boost)
		qs = append(qs, m)
	}
	for _, f := range []struct {
		field string
		w     float64
	}{{fName, weights.name}, {fKeywords, weights.keywords}, {fThemes, weights.themes}, {fDept, weights.dept}, {fDesc, weights.desc}} {
		match(q.Han, f.field, f.w)
		for _, x := range q.Expansions {
			if f.field != fDept && f.field != fDesc {
				match(x.Term, f.field, f.w*weights.expansion*x.Coverage)
			}
		}
	}
	for _, x := range q.Exact {
		t := bleve.NewTermQuery(x)
		t.SetField(fExact)
		t.SetBoost(weights.exact)
		qs = append(qs, t)
	}
	for _, p := range q.Pinyin {
		match(p, fPinyin, weights.pinyin)
	}
	for _, p := range q.Sound {
		t := bleve.NewTermQuery(p)
		t.SetField(fSound)
		t.SetBoost(weights.sound)
		qs = append(qs, t)
	}
	for _, i := range q.Initials {
		match(i, fInitials, weights.initials)
	}
	if len(qs) == 0 {
		return nil
	}
	return bleve.NewDisjunctionQuery(qs...)
}
