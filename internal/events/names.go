package events

// StateName returns the name of a state in lang ("zh" or "en").
func StateName(s State, lang string) string {
	zh, en := map[State]string{
		Reported: "已上报", Dispatched: "已分拨", Accepted: "已受理", Handled: "已处置", Verified: "已核查", Closed: "已办结",
	}, map[State]string{
		Reported: "reported", Dispatched: "dispatched", Accepted: "accepted", Handled: "handled", Verified: "verified", Closed: "closed",
	}
	m := zh
	if lang == "en" {
		m = en
	}
	if n, ok := m[s]; ok {
		return n
	}
	return string(s)
}

// ActionName returns the name of an action in lang ("zh" or "en").
func ActionName(k ActionKind, lang string) string {
	zh, en := map[ActionKind]string{
		ActReport: "上报", ActDispatch: "分拨", ActAccept: "受理", ActReturn: "退回", ActHandle: "处置",
		ActVerify: "核查通过", ActReopen: "核查不通过（重办）", ActClose: "办结", ActEscalate: "升级", ActMerge: "合并",
	}, map[ActionKind]string{
		ActReport: "reported", ActDispatch: "dispatched", ActAccept: "accepted", ActReturn: "returned", ActHandle: "handled",
		ActVerify: "verified", ActReopen: "reopened", ActClose: "closed", ActEscalate: "escalated", ActMerge: "merged",
	}
	m := zh
	if lang == "en" {
		m = en
	}
	if n, ok := m[k]; ok {
		return n
	}
	return string(k)
}
