package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/cases"
	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
)

// Sizes of the generated population.
const (
	generatedPeople      = 240
	generatedEnterprises = 40
)

// population is the accounts the application history is made with.
type population struct {
	people      []*identity.Account
	enterprises []*identity.Account
	caseworkers map[string][]*identity.Account // by department code
	created     int
}

// Real GB/T 2260 district codes that generated people were born in: the
// Shenzhen districts and a few places many Shenzhen residents come from.
var birthDivisions = []string{
	"440303", "440304", "440305", "440306", "440306", "440306", "440307", "440309", "440311",
	"420106", "430102", "360102", "450103", "510104", "610103", "445102", "441302",
}

var surnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹")

var givenNames = []string{"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
	"超", "秀英", "霞", "平", "刚", "桂英", "浩", "宇", "欣怡", "子轩", "梓涵", "思远", "嘉怡", "俊杰", "雨桐", "建华"}

var companyWords = []string{"鹏程", "前海", "南山", "宝安", "湾区", "启航", "恒信", "华科", "新桥", "海纳", "智联", "安达"}
var companyTrades = []string{"科技", "电子", "贸易", "物流", "餐饮管理", "建筑工程", "医疗器械", "文化传播", "教育咨询", "环保科技"}

// seedPopulation creates (or finds, on later starts) the generated
// citizens, enterprises and one caseworker per department, plus the demo
// accounts that take part in the history. Generated accounts have no
// password: they exist to make the statistics and recommendations real,
// not to log in with.
func seedPopulation(ctx context.Context, d Deps, c identity.Client) (*population, error) {
	rng := rand.New(rand.NewPCG(2018, 440306))
	pop := &population{caseworkers: map[string][]*identity.Account{}}
	add := func(n identity.NewAccount, login string) (*identity.Account, error) {
		created, err := createIfNew(ctx, d.Identity, n, c)
		if err != nil {
			return nil, fmt.Errorf("seed generated account %s: %w", login, err)
		}
		if created {
			pop.created++
		}
		return d.Identity.AccountByLogin(ctx, login)
	}
	for i := range generatedPeople {
		id := generatedIDNumber(rng, i)
		n := identity.NewAccount{Kind: identity.Person, IDNumber: id, IDVerified: true, Lang: "zh",
			DisplayName: string(surnames[rng.IntN(len(surnames))]) + givenNames[rng.IntN(len(givenNames))] + "（演示）"}
		if i%3 != 0 {
			n.Phone = fmt.Sprintf("1390000%04d", i)
		}
		a, err := add(n, id)
		if err != nil {
			return nil, err
		}
		pop.people = append(pop.people, a)
	}
	for i := range generatedEnterprises {
		code := generatedUSCC(i)
		name := "深圳市" + companyWords[rng.IntN(len(companyWords))] + companyWords[rng.IntN(len(companyWords))] +
			companyTrades[rng.IntN(len(companyTrades))] + "有限公司（演示）"
		a, err := add(identity.NewAccount{Kind: identity.Enterprise, USCC: code, DisplayName: name, Lang: "zh"}, code)
		if err != nil {
			return nil, err
		}
		pop.enterprises = append(pop.enterprises, a)
	}
	deps, err := d.Catalog.Departments(ctx)
	if err != nil {
		return nil, fmt.Errorf("seed caseworkers: %w", err)
	}
	for _, dep := range deps {
		username := "cw-" + strings.ToLower(dep.Code)
		a, err := add(identity.NewAccount{Kind: identity.Staff, Username: username, Department: dep.Code,
			Roles: []identity.Role{identity.Caseworker}, DisplayName: dep.ShortName + "审批员（演示·生成）", Lang: "zh"}, username)
		if err != nil {
			return nil, err
		}
		pop.caseworkers[dep.Code] = append(pop.caseworkers[dep.Code], a)
	}
	// The demo accounts people log in with take part too, so that their
	// pages show a history.
	for _, login := range []string{"44030619900512123X", "440304199508202346"} {
		if a, err := d.Identity.AccountByLogin(ctx, login); err == nil {
			pop.people = append(pop.people, a)
		}
	}
	for _, login := range []string{"rs-clerk", "ga-clerk", "sc-clerk"} {
		if a, err := d.Identity.AccountByLogin(ctx, login); err == nil {
			pop.caseworkers[a.Department] = append(pop.caseworkers[a.Department], a)
		}
	}
	return pop, nil
}

// generatedIDNumber makes the i-th generated identity number: a real
// division, a birth date between 1960 and 2003, and a valid check character.
func generatedIDNumber(rng *rand.Rand, i int) string {
	birth := time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(44*365))
	first17 := fmt.Sprintf("%s%s%03d", birthDivisions[i%len(birthDivisions)], birth.Format("20060102"), 100+i%900)
	return first17 + string(identity.IDCheckChar(first17))
}

// generatedUSCC makes the i-th generated unified social credit code: a
// company (91) registered in Shenzhen (440300) with a valid check character.
func generatedUSCC(i int) string {
	first17 := fmt.Sprintf("91440300MA5G%05d", i)
	return first17 + string(identity.USCCCheckChar(first17))
}

// seedApplications generates about three months of applications the first
// time, through the real application service on a moving clock.
func seedApplications(ctx context.Context, d Deps, pop *population, now time.Time) (int, error) {
	count := d.Applications
	if count == 0 {
		count = 1000
	}
	if count < 0 {
		return 0, nil
	}
	if _, total, err := d.CaseStore.FindApplications(ctx, cases.Filter{Limit: 1}); err != nil {
		return 0, fmt.Errorf("seed applications: %w", err)
	} else if total > 0 {
		return 0, nil
	}
	items, _, err := d.Catalog.Items(ctx, catalog.ItemFilter{})
	if err != nil {
		return 0, fmt.Errorf("seed applications: %w", err)
	}
	stories := d.Cases.PlanDemo(cases.DemoPlan{
		Items: items, People: pop.people, Enterprises: pop.enterprises, Caseworkers: pop.caseworkers,
		From: now.AddDate(0, 0, -90), Until: now, Count: count, Seed: 2018,
	})
	for i, st := range stories {
		if _, err := d.Cases.Replay(ctx, st); err != nil {
			return i, fmt.Errorf("seed application %d of %d (%s): %w", i+1, len(stories), st.ItemCode, err)
		}
		if d.Progress != nil && ((i+1)%50 == 0 || i+1 == len(stories)) {
			d.Progress(i+1, len(stories))
		}
	}
	return len(stories), nil
}
