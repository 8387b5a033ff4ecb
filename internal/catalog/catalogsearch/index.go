package catalogsearch

import (
	"fmt"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/ngram"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/single"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
)

// The fields of an indexed item.
const (
	fName     = "name"     // the item's name, CJK bigrams and unigrams
	fKeywords = "keywords" // what people call it
	fThemes   = "themes"   // the names of its themes
	fDept     = "dept"     // its department's name and short name
	fDesc     = "desc"     // its description
	fExact    = "exact"    // name and keywords, whole, for exact matches
	fPinyin   = "pinyin"   // pinyin of name and keywords, 3-grams
	fSound    = "sound"    // pairs of neighbouring syllables of name and keywords
	fInitials = "initials" // pinyin initials of name and keywords, 2- and 3-grams
)

// The analysers of the fields.
const (
	anZH       = "pc_zh"
	anPinyin   = "pc_pinyin"
	anInitials = "pc_initials"
)

// doc is the indexed form of an item. Every text is normalised first.
type doc struct {
	Name     string   `json:"name"`
	Keywords []string `json:"keywords"`
	Themes   []string `json:"themes"`
	Dept     []string `json:"dept"`
	Desc     string   `json:"desc"`
	Exact    []string `json:"exact"`
	Pinyin   []string `json:"pinyin"`
	Sound    []string `json:"sound"`
	Initials []string `json:"initials"`
}

// newMapping returns the index mapping: Chinese text is cut into CJK
// bigrams plus single characters (bleve's cjk_bigram filter with unigrams,
// so that one-character queries still match), pinyin into letter
// 3-grams and initials into 2- and 3-grams, so that a mistyped or partial
// pinyin string still shares most of its grams with the right item.
func newMapping() (*mapping.IndexMappingImpl, error) {
	im := bleve.NewIndexMapping()
	steps := []error{
		im.AddCustomTokenFilter("pc_cjk_bigram", map[string]any{"type": cjk.BigramName, "output_unigram": false}),
		im.AddCustomTokenFilter("pc_gram3", map[string]any{"type": ngram.Name, "min": 3.0, "max": 3.0}),
		im.AddCustomTokenFilter("pc_gram23", map[string]any{"type": ngram.Name, "min": 2.0, "max": 3.0}),
		im.AddCustomAnalyzer(anZH, map[string]any{"type": custom.Name, "tokenizer": unicode.Name,
			"token_filters": []any{cjk.WidthName, lowercase.Name, "pc_cjk_bigram"}}),
		im.AddCustomAnalyzer(anPinyin, map[string]any{"type": custom.Name, "tokenizer": single.Name,
			"token_filters": []any{"pc_gram3"}}),
		im.AddCustomAnalyzer(anInitials, map[string]any{"type": custom.Name, "tokenizer": single.Name,
			"token_filters": []any{"pc_gram23"}}),
	}
	for _, err := range steps {
		if err != nil {
			return nil, fmt.Errorf("search mapping: %w", err)
		}
	}
	dm := bleve.NewDocumentStaticMapping()
	field := func(name, analyzer string) {
		fm := bleve.NewTextFieldMapping()
		fm.Analyzer, fm.Store, fm.IncludeInAll, fm.IncludeTermVectors, fm.DocValues = analyzer, false, false, false, false
		dm.AddFieldMappingsAt(name, fm)
	}
	for _, f := range []string{fName, fKeywords, fThemes, fDept, fDesc} {
		field(f, anZH)
	}
	field(fExact, keyword.Name)
	field(fSound, keyword.Name)
	field(fPinyin, anPinyin)
	field(fInitials, anInitials)
	im.DefaultMapping = dm
	im.DefaultAnalyzer = anZH
	return im, nil
}

// newDoc returns the indexed form of it.
func newDoc(it *catalog.Item, dept *catalog.Department, themes map[string]*catalog.Theme, n *Normalizer, py *Pinyin) *doc {
	d := &doc{Name: n.Normalize(it.Name), Desc: n.Normalize(it.Description)}
	for _, k := range it.Keywords {
		d.Keywords = append(d.Keywords, n.Normalize(k))
	}
	for _, code := range it.Themes {
		if t := themes[code]; t != nil {
			d.Themes = append(d.Themes, n.Normalize(t.Name))
		}
	}
	if dept != nil {
		d.Dept = []string{n.Normalize(dept.Name), n.Normalize(dept.ShortName)}
	}
	for _, s := range append([]string{d.Name}, d.Keywords...) {
		compact := strings.ReplaceAll(s, " ", "")
		d.Exact = appendNew(d.Exact, compact)
		d.Pinyin = appendNew(d.Pinyin, py.Reading(compact))
		d.Initials = appendNew(d.Initials, py.Initials(compact))
		d.Sound = appendNew(d.Sound, py.SoundPairs(compact)...)
	}
	return d
}
