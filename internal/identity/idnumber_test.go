package identity

import (
	"strings"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

// withCheck completes 17 digits with their check character.
func withCheck(first17 string) string { return first17 + string(IDCheckChar(first17)) }

// wrongCheck completes 17 digits with a check character that is wrong.
func wrongCheck(first17 string) string {
	c := IDCheckChar(first17)
	if c == '0' {
		return first17 + "1"
	}
	return first17 + "0"
}

func TestParseIDNumber(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC) // 09:00 on 2 March in China
	day := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		name     string
		in       string
		want     IDNumberInfo
		wantCode string // "" for valid
		wantMsg  string // a part of the Chinese message
	}{
		{"valid, check X", "44030619900512123X", IDNumberInfo{"44030619900512123X", "440306", day(1990, 5, 12), true}, "", ""},
		{"lower-case x normalised", "44030619900512123x", IDNumberInfo{"44030619900512123X", "440306", day(1990, 5, 12), true}, "", ""},
		{"spaces around", "  440304199508202346 ", IDNumberInfo{"440304199508202346", "440304", day(1995, 8, 20), false}, "", ""},
		{"leap day", withCheck("11010519640229671"), IDNumberInfo{withCheck("11010519640229671"), "110105", day(1964, 2, 29), true}, "", ""},
		{"born 1900-01-01", withCheck("44030619000101001"), IDNumberInfo{withCheck("44030619000101001"), "440306", day(1900, 1, 1), true}, "", ""},
		{"born today in China", withCheck("44030620260302002"), IDNumberInfo{withCheck("44030620260302002"), "440306", day(2026, 3, 2), false}, "", ""},
		{"Hong Kong residence permit", withCheck("81000019800101003"), IDNumberInfo{withCheck("81000019800101003"), "810000", day(1980, 1, 1), true}, "", ""},
		{"empty", "  ", IDNumberInfo{}, "idnumber.empty", "请填写"},
		{"17 characters", "44030619900512123", IDNumberInfo{}, "idnumber.length", "当前为17位"},
		{"19 characters", "44030619900512123X1", IDNumberInfo{}, "idnumber.length", "当前为19位"},
		{"15-digit old number", "440306900512123", IDNumberInfo{}, "idnumber.length", "应为18位"},
		{"full-width and Arabic-Indic digits", "４４０３０６１９９０٠٥١٢١٢٣X", IDNumberInfo{}, "idnumber.chars", "17位数字"},
		{"letter inside", "4403061990A512123X", IDNumberInfo{}, "idnumber.chars", "17位数字"},
		{"X not last", "X40306199005121234", IDNumberInfo{}, "idnumber.chars", "17位数字"},
		{"other final letter", "44030619900512123Y", IDNumberInfo{}, "idnumber.chars", "17位数字"},
		{"unknown province 99", withCheck("99030619900512123"), IDNumberInfo{}, "idnumber.region", "前两位 99"},
		{"province 00", withCheck("00000019900512123"), IDNumberInfo{}, "idnumber.region", "前两位 00"},
		{"province code only", withCheck("44000019900512123"), IDNumberInfo{}, "idnumber.region", "440000"},
		{"no prefecture", withCheck("44001219900512123"), IDNumberInfo{}, "idnumber.region", "440012"},
		{"30 February", withCheck("44030619900230123"), IDNumberInfo{}, "idnumber.birth", "不是有效日期"},
		{"month 13", withCheck("44030619901301123"), IDNumberInfo{}, "idnumber.birth", "不是有效日期"},
		{"29 February of a common year", withCheck("44030619900229123"), IDNumberInfo{}, "idnumber.birth", "不是有效日期"},
		{"before 1900", withCheck("44030618991231123"), IDNumberInfo{}, "idnumber.birth", "早于1900年"},
		{"tomorrow in China", withCheck("44030620260303123"), IDNumberInfo{}, "idnumber.birth", "晚于今天"},
		{"wrong check digit", wrongCheck("44030619900512123"), IDNumberInfo{}, "idnumber.checksum", "应为 X"},
		{"wrong check X", "44030419950820234X", IDNumberInfo{}, "idnumber.checksum", "应为 6"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseIDNumberAt(tc.in, now)
			if tc.wantCode == "" {
				if err != nil || got != tc.want {
					t.Errorf("ParseIDNumberAt(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
				}
				return
			}
			e := errs.As(err)
			if e == nil || e.Code != tc.wantCode || e.Field != "id_number" || e.Kind != errs.Invalid {
				t.Fatalf("ParseIDNumberAt(%q) error = %v; want code %s on field id_number", tc.in, err, tc.wantCode)
			}
			if !strings.Contains(e.Msg, tc.wantMsg) || e.MsgEN == "" {
				t.Errorf("message %q (en %q); want it to contain %q", e.Msg, e.MsgEN, tc.wantMsg)
			}
		})
	}
}

func TestIDNumberMessagesSayWhatIsWrong(t *testing.T) {
	t.Parallel()
	_, err := ParseIDNumberAt(wrongCheck("44030619900512123"), time.Now())
	e := errs.As(err)
	if e == nil || e.Msg != "身份证号码校验位错误（应为 X）" || e.MsgEN != "the identity number check character is wrong (expected X)" {
		t.Errorf("got %+v, want the check-character messages naming X", e)
	}
}

func TestIDCheckCharMatchesStandardExample(t *testing.T) {
	t.Parallel()
	// The worked example of GB 11643-1999, appendix: 11010519491231002X.
	if got := IDCheckChar("11010519491231002"); got != 'X' {
		t.Errorf("IDCheckChar(11010519491231002) = %c, want X", got)
	}
}

func FuzzParseIDNumber(f *testing.F) {
	now := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)
	for _, s := range []string{"44030619900512123X", "44030619900512123x", "440304199508202346", "", "4403061990051212",
		"81000019800101003" + "0", "44030618991231123X", "４４０３０６１９９０٠٥١٢١٢٣X", "ııııııııııııııııı x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		info, err := ParseIDNumberAt(s, now)
		if err != nil {
			if errs.As(err) == nil || errs.As(err).Field != "id_number" {
				t.Fatalf("ParseIDNumberAt(%q) error %v is not a field error", s, err)
			}
			return
		}
		again, err := ParseIDNumberAt(info.Number, now)
		if err != nil || again != info {
			t.Fatalf("accepted %q as %+v, but re-validating %q gives %+v, %v", s, info, info.Number, again, err)
		}
		if len(info.Number) != 18 || info.Division != info.Number[:6] || info.Birth.After(now.Add(24*time.Hour)) {
			t.Fatalf("accepted %q with inconsistent info %+v", s, info)
		}
	})
}
