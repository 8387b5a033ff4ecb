package catalogsearch

import "strings"

// Most licences come as a family of items: the first issue (核发, 设立,
// 签发 …) and the follow-ups (变更, 延续, 补发, 注销 …). Someone who types
// 食品经营许可证 or "food business licence" without saying more wants the
// first issue, yet the follow-ups match their words just as well (and
// often list the licence's name as a keyword). So unless the query itself
// speaks of a change, renewal, loss or closure, follow-up items are
// ranked a little lower ([weights].followUp), which puts the first issue
// ahead of its follow-ups without lifting it over better matches.

// followUpWords mark an item name, or a query, as being about an existing
// licence or registration rather than a new one.
var followUpWords = []string{
	"变更", "延续", "换发", "换领", "换证", "补发", "补领", "补证", "补办", "注销", "遗失", "损毁",
	"年审", "年检", "校验", "审验", "延期", "续期", "终止", "撤销", "转移", "迁移", "迁出", "停办",
}

// followUpQueryWords are further words of queries that ask for a
// follow-up (the English ones are kept as typed when no synonym took them).
var followUpQueryWords = []string{
	"改", "换", "补", "丢", "掉了", "坏", "到期", "过期", "续", "关", "停", "不做", "不干", "取消", "转", "迁", "过户",
	"renew", "lost", "change", "cancel", "close", "replace", "extend", "transfer", "deregist",
}

// isFollowUp reports whether an item's name is about an existing licence.
func isFollowUp(name string) bool {
	for _, w := range followUpWords {
		if strings.Contains(name, w) {
			return true
		}
	}
	return false
}

// wantsFollowUp reports whether a query speaks of a change, renewal,
// loss or closure.
func wantsFollowUp(q Query) bool {
	texts := []string{q.Text}
	for _, x := range q.Expansions {
		texts = append(texts, x.Term)
	}
	for _, t := range texts {
		for _, w := range followUpWords {
			if strings.Contains(t, w) {
				return true
			}
		}
		for _, w := range followUpQueryWords {
			if strings.Contains(t, w) {
				return true
			}
		}
	}
	return false
}
