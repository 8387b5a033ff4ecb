package cases

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
)

// DemoPlan describes the synthetic history the demo seed wants: who may
// apply, who handles, which items, over which period, how many.
type DemoPlan struct {
	Items       []*catalog.Item
	People      []*identity.Account            // persons with identity numbers
	Enterprises []*identity.Account            // enterprises with credit codes
	Caseworkers map[string][]*identity.Account // caseworkers by department code
	From        time.Time                      // first possible submission
	Until       time.Time                      // last possible submission, and no step after it ("now")
	Count       int                            // how many applications
	Seed        uint64                         // the same seed plans the same history
}

// PlanDemo returns Count stories spread over the working hours of the
// period, in submission order, shaped like a city's real traffic: a few
// items are much more popular than the rest (a Zipf-like law over a
// shuffled catalogue), most applications come online, a quarter from the
// mobile app and the rest through hall windows, one in twenty through an
// agent; about half of paper results go by post; most are decided within
// the promised time, some late, a few rejected, refused, withdrawn or
// returned for correction first. Stories still running at Until stop
// there. Only items with an applicant kind on hand and a caseworker in
// their department are used; PlanDemo returns nil when there are none.
func (s *Service) PlanDemo(p DemoPlan) []Story {
	rng := rand.New(rand.NewPCG(p.Seed, 0x70656e67))
	items := demoItems(p)
	if len(items) == 0 || p.Count <= 0 || !p.Until.After(p.From) {
		return nil
	}
	rng.Shuffle(len(items), func(i, j int) { items[i], items[j] = items[j], items[i] })
	weights := make([]float64, len(items))
	total := 0.0
	for i := range items {
		weights[i] = 1 / math.Pow(float64(i+1), 0.8)
		total += weights[i]
	}
	out := make([]Story, 0, p.Count)
	for range p.Count {
		it := items[pick(rng, weights, total)]
		out = append(out, s.demoStory(rng, p, it))
	}
	slices.SortFunc(out, func(a, b Story) int { return a.SubmittedAt.Compare(b.SubmittedAt) })
	return out
}

// demoItems are the items of the plan that can be applied for and handled.
func demoItems(p DemoPlan) []*catalog.Item {
	var out []*catalog.Item
	for _, it := range p.Items {
		if len(p.Caseworkers[it.Department]) == 0 {
			continue
		}
		if it.ForApplicant(catalog.ApplicantPerson) && len(p.People) > 1 || it.ForApplicant(catalog.ApplicantEnterprise) && len(p.Enterprises) > 0 {
			out = append(out, it)
		}
	}
	return out
}

// pick draws an index with the given weights.
func pick(rng *rand.Rand, weights []float64, total float64) int {
	x := rng.Float64() * total
	for i, w := range weights {
		if x -= w; x < 0 {
			return i
		}
	}
	return len(weights) - 1
}

// demoStory draws one story for item it.
func (s *Service) demoStory(rng *rand.Rand, p DemoPlan, it *catalog.Item) Story {
	workers := p.Caseworkers[it.Department]
	st := Story{ItemCode: it.Code, Caseworker: workers[rng.IntN(len(workers))], Until: p.Until,
		SubmittedAt: s.officeHours(p.From.Add(time.Duration(rng.Int64N(int64(p.Until.Sub(p.From))))))}
	person := it.ForApplicant(catalog.ApplicantPerson) && len(p.People) > 1 &&
		(!it.ForApplicant(catalog.ApplicantEnterprise) || len(p.Enterprises) == 0 || rng.IntN(10) < 6)
	var who *identity.Account
	if person {
		who = p.People[rng.IntN(len(p.People))]
	} else {
		who = p.Enterprises[rng.IntN(len(p.Enterprises))]
	}
	st.Filer = who
	switch r := rng.IntN(100); {
	case r < 15:
		st.Filer = st.Caseworker // at a hall window, for the visitor
		st.Principal = partyOf(who)
	case r < 40:
		st.Channel = Mobile
	case r < 45 && person:
		principal := p.People[rng.IntN(len(p.People))]
		if principal.ID != who.ID {
			st.Principal = partyOf(principal)
		}
	}
	if s.d.PhysicalResult(it) {
		if rng.IntN(100) < 55 {
			st.Delivery = Delivery{Method: Post, Recipient: who.DisplayName, Phone: demoPhone(rng, who),
				Address: fmt.Sprintf("深圳市宝安区新安街道宝城%d区%d栋%d号（演示地址）", 1+rng.IntN(80), 1+rng.IntN(30), 101+rng.IntN(2000))}
			st.TrackingNo = fmt.Sprintf("11%011d", rng.Int64N(1e11))
		} else if len(s.d.Halls) > 0 {
			st.Delivery = Delivery{Method: Pickup, Hall: s.d.Halls[rng.IntN(len(s.d.Halls))].Code}
		}
	}
	st.Outcome, st.Corrected = demoOutcome(rng)
	// Spread the five or so steps over part of the promised time, or past
	// it for the late ones.
	days := float64(max(it.PromisedDays, 1))
	share := 0.2 + 0.7*rng.Float64()
	if rng.IntN(100) < 8 {
		share = 1.1 + 0.5*rng.Float64()
	}
	st.Pace = time.Duration(days * share * float64(24*time.Hour) / 5)
	return st
}

// demoOutcome draws how far a story goes and whether it was corrected.
func demoOutcome(rng *rand.Rand) (State, bool) {
	switch r := rng.IntN(100); {
	case r < 70:
		return Closed, rng.IntN(100) < 10
	case r < 84:
		return Delivered, false
	case r < 89:
		return Rejected, false
	case r < 92:
		return NotAccepted, false
	case r < 95:
		return Withdrawn, false
	case r < 97:
		return Correction, false
	}
	return UnderReview, false
}

// partyOf names an account as a party.
func partyOf(a *identity.Account) *Party {
	if a.Kind == identity.Enterprise {
		return &Party{Kind: catalog.ApplicantEnterprise, Name: a.DisplayName, Number: a.USCC}
	}
	return &Party{Kind: catalog.ApplicantPerson, Name: a.DisplayName, Number: a.IDNumber}
}

// demoPhone is the account's phone, or a made-up one in the 139 range.
func demoPhone(rng *rand.Rand, a *identity.Account) string {
	if a.Phone != "" {
		return a.Phone
	}
	return fmt.Sprintf("139%08d", rng.IntN(100_000_000))
}
