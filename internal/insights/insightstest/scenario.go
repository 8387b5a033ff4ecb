package insightstest

import (
	"fmt"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/cases"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
)

// The items of the scenario, from the shipped catalogue.
const (
	// ItemGrad is 高校应届毕业生引进入户 (SZRS, promised at once, theme
	// 毕业生落户).
	ItemGrad = "4403-SZRS-001"
	// ItemSubsidy is 新引进人才租房和生活补贴申领 (SZRS, 20 days, themes
	// 毕业生落户 and 就业创业).
	ItemSubsidy = "4403-SZRS-006"
	// ItemHKMacao is 内地居民往来港澳通行证签发 (SZGA, 5 days, 出入境), the
	// item every person of the scenario applied for.
	ItemHKMacao = "4403-SZGA-001"
	// ItemEndorse is 内地居民往来港澳通行证签注 (SZGA, 1 day, 出入境).
	ItemEndorse = "4403-SZGA-004"
	// ItemPassport is 普通护照签发 (SZGA, 7 days, 出入境).
	ItemPassport = "4403-SZGA-010"
)

// Scenario is the known history that PlayScenario plays: 21 applications
// of 8 people, P[1] to P[8] (P[0] is nil), listed in the table of
// scenarioStories with the counts they produce.
type Scenario struct {
	P    [9]*identity.Account
	Apps []*cases.Application // Apps[n-1] is story n
}

// storyRow is one line of the scenario: story n, by person, for item, at
// a China-time date and hour, through a channel ("window": a clerk files
// it for the person), with a delivery and an outcome, one step every pace.
type storyRow struct {
	n        int
	person   int
	item     string
	at       time.Time
	channel  string // online, mobile or window
	post     bool   // result by post; otherwise pick-up at a hall
	outcome  cases.State
	pace     time.Duration
	decision string // when decided, for the reader; "" when not decided
}

// scenarioStories is the scenario. Steps come every pace (30 minutes by
// default) within office hours, so an application decided after three
// steps (accept, review, approve or reject) was decided 3 × pace after
// submission; a refusal (not accepted) comes one step after.
//
// What it adds up to, for the period 2026-02-01 to 2026-02-28 (China
// time), overall / SZRS / SZGA:
//
//	submitted            17 / 7 / 10    (stories 3–19)
//	submitted online     15 / 6 / 9     (online or mobile; 6 and 13 at a window)
//	decided              12 / 5 / 7     (3–8, 11–14, 16, 18)
//	decided with no visit 8 / 3 / 5     (online or mobile, and posted: 3, 4, 7, 8, 11, 14, 16, 18)
//	with a deadline      11 / 4 / 7     (decided, less 8 which was not accepted)
//	on time              10 / 3 / 7     (all but 7, decided three days after its same-day deadline)
//	median to decision   8100 s / 5400 s / 10800 s
//
// and in the 30 days before "now" (2026-03-02 09:00): 内地居民往来港澳通行证签发
// 8 applications, 高校应届毕业生引进入户 4, 新引进人才租房和生活补贴申领 3,
// 签注 2, 普通护照签发 1.
var scenarioStories = []storyRow{
	{n: 1, person: 5, item: ItemPassport, at: At(2026, 1, 20, 10, 0), channel: "online", outcome: cases.Closed, decision: "Jan 20"},
	{n: 2, person: 6, item: ItemPassport, at: At(2026, 1, 21, 10, 0), channel: "window", outcome: cases.Closed, decision: "Jan 21"},
	{n: 3, person: 1, item: ItemPassport, at: At(2026, 2, 2, 10, 0), channel: "online", post: true, outcome: cases.Closed, decision: "+5400 s"},
	{n: 4, person: 2, item: ItemGrad, at: At(2026, 2, 2, 11, 0), channel: "online", post: true, outcome: cases.Closed, pace: time.Hour, decision: "+10800 s"},
	{n: 5, person: 3, item: ItemGrad, at: At(2026, 2, 3, 10, 0), channel: "mobile", outcome: cases.Closed, decision: "+5400 s"},
	{n: 6, person: 4, item: ItemGrad, at: At(2026, 2, 3, 11, 0), channel: "window", outcome: cases.Rejected, decision: "+5400 s"},
	{n: 7, person: 1, item: ItemGrad, at: At(2026, 2, 2, 14, 0), channel: "online", post: true, outcome: cases.Approved, pace: 24 * time.Hour,
		decision: "Feb 5 14:00, +259200 s, late: due at the end of Feb 3"},
	{n: 8, person: 2, item: ItemSubsidy, at: At(2026, 2, 5, 10, 0), channel: "online", post: true, outcome: cases.NotAccepted, decision: "+1800 s, no deadline"},
	{n: 9, person: 3, item: ItemSubsidy, at: At(2026, 2, 5, 11, 0), channel: "online", post: true, outcome: cases.Withdrawn},
	{n: 10, person: 1, item: ItemSubsidy, at: At(2026, 2, 6, 10, 0), channel: "mobile", post: true, outcome: cases.UnderReview},
	{n: 11, person: 5, item: ItemHKMacao, at: At(2026, 2, 9, 10, 0), channel: "online", post: true, outcome: cases.Closed, decision: "+5400 s"},
	{n: 12, person: 6, item: ItemHKMacao, at: At(2026, 2, 9, 11, 0), channel: "online", outcome: cases.Closed, pace: 2 * time.Hour, decision: "+21600 s"},
	{n: 13, person: 7, item: ItemHKMacao, at: At(2026, 2, 10, 10, 0), channel: "window", outcome: cases.Closed, pace: time.Hour, decision: "+10800 s"},
	{n: 14, person: 8, item: ItemHKMacao, at: At(2026, 2, 10, 11, 0), channel: "mobile", post: true, outcome: cases.Delivered, pace: time.Hour, decision: "+10800 s"},
	{n: 15, person: 2, item: ItemHKMacao, at: At(2026, 2, 11, 7, 30), channel: "online", post: true, outcome: cases.Submitted},
	{n: 16, person: 3, item: ItemHKMacao, at: At(2026, 2, 11, 11, 0), channel: "online", post: true, outcome: cases.Closed, pace: time.Hour, decision: "+10800 s"},
	{n: 17, person: 4, item: ItemHKMacao, at: At(2026, 2, 12, 10, 0), channel: "online", post: true, outcome: cases.Correction},
	{n: 18, person: 1, item: ItemHKMacao, at: At(2026, 2, 12, 11, 0), channel: "online", post: true, outcome: cases.Closed, decision: "+5400 s"},
	{n: 19, person: 7, item: ItemEndorse, at: At(2026, 2, 28, 23, 30), channel: "online", outcome: cases.Submitted},
	{n: 20, person: 8, item: ItemEndorse, at: At(2026, 3, 1, 0, 30), channel: "online", outcome: cases.Submitted},
	{n: 21, person: 8, item: ItemEndorse, at: At(2026, 1, 15, 10, 0), channel: "online", outcome: cases.Closed, decision: "Jan 15"},
}

// scenarioPeople are the eight people: P[1] a new graduate from Wuhan,
// the others with identity numbers of Shenzhen districts.
var scenarioPeople = [9]struct {
	name     string
	division string
	birth    time.Time
}{
	1: {"林小毕", "420106", time.Date(2003, 5, 10, 0, 0, 0, 0, time.UTC)},
	2: {"陈二", "440306", time.Date(1990, 2, 1, 0, 0, 0, 0, time.UTC)},
	3: {"张三", "440304", time.Date(1995, 8, 20, 0, 0, 0, 0, time.UTC)},
	4: {"李四", "440303", time.Date(1988, 1, 31, 0, 0, 0, 0, time.UTC)},
	5: {"王五", "440305", time.Date(1975, 11, 2, 0, 0, 0, 0, time.UTC)},
	6: {"赵六", "440307", time.Date(1964, 3, 15, 0, 0, 0, 0, time.UTC)},
	7: {"孙七", "440306", time.Date(1999, 12, 31, 0, 0, 0, 0, time.UTC)},
	8: {"周八", "440306", time.Date(2000, 2, 29, 0, 0, 0, 0, time.UTC)},
}

// PlayScenario creates the people and plays the scenario's stories.
func PlayScenario(t testing.TB, e *Env) *Scenario {
	t.Helper()
	sc := &Scenario{}
	for i := 1; i <= 8; i++ {
		p := scenarioPeople[i]
		sc.P[i] = e.Person(t, p.name, p.division, p.birth, 100+i)
	}
	var stories []cases.Story
	for i, row := range scenarioStories {
		if row.n != i+1 {
			panic(fmt.Sprintf("insightstest: story %d is listed as %d", i+1, row.n))
		}
		stories = append(stories, e.story(t, sc, row))
	}
	sc.Apps = e.Play(t, stories...)
	return sc
}

// story turns a row of the scenario into a story.
func (e *Env) story(t testing.TB, sc *Scenario, row storyRow) cases.Story {
	who := sc.P[row.person]
	dept := row.item[5:9]
	st := cases.Story{ItemCode: row.item, Filer: who, Channel: cases.Channel(row.channel), Caseworker: e.Worker(t, dept),
		SubmittedAt: row.at, Outcome: row.outcome, Pace: row.pace}
	if st.Pace == 0 {
		st.Pace = 30 * time.Minute
	}
	if row.channel == "window" {
		st.Filer, st.Channel = st.Caseworker, ""
		st.Principal = &cases.Party{Kind: "person", Name: who.DisplayName, Number: who.IDNumber}
	}
	if row.post {
		st.Delivery = cases.Delivery{Method: cases.Post, Recipient: who.DisplayName, Phone: who.Phone,
			Address: "深圳市宝安区新安街道宝城一区1栋101号"}
		st.TrackingNo = fmt.Sprintf("1100000000%02d", row.n)
	}
	return st
}
