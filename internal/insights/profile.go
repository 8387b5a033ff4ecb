package insights

import (
	"strings"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
)

// chinaTime is China Standard Time, in which ages and days are counted.
var chinaTime = time.FixedZone("CST", 8*60*60)

// Profile is what an account says about its holder that recommendations
// may use.
type Profile struct {
	Kind catalog.ApplicantKind // person or enterprise
	// Age is a person's age in whole years from the identity number's
	// birth date; -1 when unknown.
	Age int
	// Division is the GB/T 2260 code in the identity number (where the
	// household is registered) or credit code (where the enterprise is
	// registered); "" when unknown.
	Division string
	// Local: the division is in the city (registered here, 本市户籍).
	Local bool
}

// ProfileOf derives the profile of a person or enterprise account as of
// now, with city the division-code prefix of the city (e.g. "4403"). The
// second result is false for staff and nil accounts, which get no
// recommendations.
func ProfileOf(a *identity.Account, now time.Time, city string) (Profile, bool) {
	switch {
	case a == nil:
		return Profile{}, false
	case a.Kind == identity.Person:
		p := Profile{Kind: catalog.ApplicantPerson, Age: -1}
		if info, err := identity.ParseIDNumberAt(a.IDNumber, now); err == nil {
			p.Age = ageAt(info.Birth, now)
			p.Division = info.Division
		}
		p.Local = p.Division != "" && strings.HasPrefix(p.Division, city)
		return p, true
	case a.Kind == identity.Enterprise:
		p := Profile{Kind: catalog.ApplicantEnterprise, Age: -1}
		if len(a.USCC) == 18 {
			p.Division = a.USCC[2:8]
		}
		p.Local = p.Division != "" && strings.HasPrefix(p.Division, city)
		return p, true
	}
	return Profile{}, false
}

// ageAt returns the whole years from birth (a date at midnight UTC) to
// now's China-time date.
func ageAt(birth, now time.Time) int {
	y, m, d := now.In(chinaTime).Date()
	age := y - birth.Year()
	if m < birth.Month() || m == birth.Month() && d < birth.Day() {
		age--
	}
	return age
}

// profileRule suggests a theme to the profiles it fits.
type profileRule struct {
	Name  string // the rule's name in reasons
	Theme string // theme code
	// Start is the item to suggest first when the catalogue has it (and
	// the theme's guide does not start with the right one for this
	// profile); "" for the guide's first open step.
	Start string
	Fits  func(Profile) bool
	Line  Label // the reason; %s is the theme's name
}

// profileRules are the profile-based suggestions, in order of priority.
// Ages are typical, not legal limits: a bachelor's or master's graduate is
// 21 to 27, and retirement benefits are claimed from 50 on.
var profileRules = []profileRule{
	{Name: "graduate", Theme: "GRAD_HUKOU",
		Fits: func(p Profile) bool {
			return p.Kind == catalog.ApplicantPerson && p.Age >= 21 && p.Age <= 27 && p.Division != "" && !p.Local
		},
		Line: Label{ZH: "适合应届毕业生：「%s」", EN: "For new graduates: “%s”"}},
	{Name: "newcomer", Theme: "RESIDENCE", Start: "4403-SZGA-026", // 流动人口居住登记, before the residence permit
		Fits: func(p Profile) bool {
			return p.Kind == catalog.ApplicantPerson && p.Age >= 16 && p.Division != "" && !p.Local
		},
		Line: Label{ZH: "非本市户籍居民常办：「%s」", EN: "Often needed by residents registered elsewhere: “%s”"}},
	{Name: "retiring", Theme: "RETIREMENT",
		Fits: func(p Profile) bool { return p.Kind == catalog.ApplicantPerson && p.Age >= 50 },
		Line: Label{ZH: "临近退休年龄常办：「%s」", EN: "Often needed near retirement age: “%s”"}},
}
