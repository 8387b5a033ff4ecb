// Package catalogsearch is the smart search (智能搜索) of the service
// catalogue: it finds items from what citizens actually type — official
// names, everyday phrasings (办护照, 开公司, 生孩子要办什么), Traditional
// characters (港澳通行證), full pinyin and initials (gangaotongxingzheng,
// gatxz), homophone and other small typos (港奥通行证, 社宝卡, pasport),
// and English names of common services (passport, business licence).
//
// # Design
//
// The catalogue is small (hundreds of items, a few thousand keywords) and
// changes rarely, while searches are frequent and must be fast (p99 ≤ 10
// ms, see docs/benchmarks.md). So the engine keeps a full-text index in
// memory, built from the database at start and rebuilt in the background
// when the catalogue changes; searches never touch the database. The index
// is bleve's (scorch segments in memory): a real inverted index with
// TF-IDF scoring and field boosts, which we did not want to write
// ourselves. Nothing lives only in memory: the index is derived data, and
// every instance rebuilds its own from the shared database. [Engine.Watch]
// polls the catalogue's revision counter (a row that every catalogue
// change increments in its transaction), so instances notice each other's
// changes within the poll interval; the instance that made a change is
// told at once through catalog.Service.OnChange → [Engine.Invalidate].
//
// Each item is indexed in several fields, each answering one kind of
// query:
//
//   - name, keywords, themes, department, description — Chinese text cut
//     into overlapping character pairs (bleve's CJK bigram analyser). Pairs
//     need no dictionary of words and match partial and reordered phrases;
//     the name weighs most, then keywords (which hold the colloquial names
//     of the shipped catalogue), then themes, department and description.
//   - exact — name and keywords whole: typing an item's exact name or one
//     of its keywords puts it first.
//   - sound — pairs of neighbouring pinyin syllables (港澳通行证 → gang_ao,
//     ao_tong, tong_xing, xing_zheng). The query's Chinese is read the same
//     way, so characters typed wrongly through a pinyin input method (港奥,
//     身分证, 结昏) still share their sounds with the right item.
//   - pinyin — the name's and keywords' pinyin as one string, cut into
//     letter 3-grams, for pinyin typed as letters: 3-grams tolerate missing
//     spaces, partial words and a wrong letter (gangaotongxinzheng).
//   - initials — the pinyin initials (gatxz, sbk), cut into 2- and 3-grams.
//
// Queries go through an [Analyzer] first: [Normalizer] (NFKC, lower case,
// Traditional→Simplified with OpenCC's tables, punctuation to spaces),
// then the synonym table (synonyms.txt, our own data file: colloquial
// phrases and English names mapped to catalogue terms, plus stop phrases
// such as 怎么办 and "how to"), then each Latin word is read as English
// (a dictionary word, or a near miss of one, corrected), pinyin (it splits
// into valid syllables, from go-pinyin's dictionary) or initials. The
// resulting [Query] is one bleve disjunction over the fields with fixed
// boosts ([weights]); terms added by synonyms count in proportion to the
// share of the query their phrase explains, so that 社保 in 外地社保转到深圳
// does not drown the words that say which 社保 service is meant.
//
// Two adjustments follow bleve's ranking: items about an existing licence
// (变更, 延续, 补发, 注销 …) rank lower unless the query speaks of such a
// change (see lifecycle.go); and beyond the first five, results scoring
// below a fifth of the best are dropped, so that Total counts plausible
// answers rather than every item sharing a character with the query. A
// query in Chinese that no synonym explained must moreover share half of
// its characters or half of its syllable pairs with an item (floor.go), so
// that a query about something the catalogue lacks finds nothing.
//
// # Why not …
//
//   - A database LIKE or PostgreSQL full-text search: neither understands
//     Chinese without extensions, pinyin or typos, and SQLite's FTS5 has
//     no CJK tokenizer built in; both would put the database on the hot
//     path of every keystroke of the as-you-type suggestions.
//   - A dictionary-based Chinese word segmenter: service names are full of
//     terms no general dictionary holds (港澳通行证签注), and overlapping
//     pairs need none.
//   - Single-character and pinyin-3-gram matching of the query's sound:
//     tried first; single characters and common 3-grams (ing, zhe) match
//     most of the catalogue, which made searches three times slower for no
//     better ranking. Syllable pairs are as tolerant and far more specific.
//
// The quality of the ranking is measured by TestSearchQuality on the
// evaluation set testdata/eval.tsv (recall@3 and MRR per kind of query),
// and its speed by BenchmarkSearch and BenchmarkBuild.
//
// # Dependencies
//
// github.com/blevesearch/bleve/v2 (index, scoring, CJK bigrams, n-grams),
// github.com/mozillazg/go-pinyin (the pinyin dictionary), and
// github.com/longbridgeapp/opencc (Traditional→Simplified tables, embedded
// in the module, no files read at run time; note that it registers a
// "dir" flag on the standard library's flag.CommandLine at init, which our
// command line does not use).
package catalogsearch
