package cases_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/cases"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/identity"
)

func TestCheckChar(t *testing.T) {
	t.Parallel()
	tests := []struct {
		digits string
		want   byte
	}{
		// Resident identity numbers use the same ISO 7064 MOD 11-2 check
		// over 17 digits; the first two are the GB 11643 examples, the others
		// were computed independently with the weight table 2^i mod 11.
		{"11010519491231002", 'X'},
		{"44052418800101001", '4'},
		{"0", '1'},
		{"00000000000000000000", '1'},
		{"1", 'X'},
		{"44030020260302000001", '9'},
		{"44030020260302000002", '7'},
	}
	for _, tt := range tests {
		if got := cases.CheckChar(tt.digits); got != tt.want {
			t.Errorf("CheckChar(%s) = %c, want %c", tt.digits, got, tt.want)
		}
	}
}

// TestCheckCharAgreesWithIDNumbers compares the general algorithm with
// identity's weight-table implementation for 17-digit strings.
func TestCheckCharAgreesWithIDNumbers(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	for range 5000 {
		var b strings.Builder
		for range 17 {
			b.WriteByte(byte('0' + r.IntN(10)))
		}
		s := b.String()
		if got, want := cases.CheckChar(s), identity.IDCheckChar(s); got != want {
			t.Fatalf("CheckChar(%s) = %c, identity.IDCheckChar = %c", s, got, want)
		}
	}
}

func TestFormatAndParseSerial(t *testing.T) {
	t.Parallel()
	// 2026-03-02 17:30 UTC is already 3 March in China.
	at := time.Date(2026, 3, 2, 17, 30, 0, 0, time.UTC)
	s, err := cases.FormatSerial("440306", at, 123)
	if err != nil {
		t.Fatal(err)
	}
	if want := "44030620260303000123"; s[:20] != want || len(s) != cases.SerialLen {
		t.Fatalf("FormatSerial = %s, want %s + check", s, want)
	}
	p, err := cases.ParseSerial(" " + strings.ToLower(s) + "\n")
	if err != nil {
		t.Fatalf("ParseSerial(%s): %v", s, err)
	}
	if p.Region != "440306" || p.Seq != 123 || p.Day.Format("2006-01-02") != "2026-03-03" || p.String() != s {
		t.Errorf("ParseSerial = %+v (%s), want 440306, 2026-03-03, 123", p, p)
	}
	for _, bad := range []struct {
		region string
		seq    int
	}{{"44030", 1}, {"990300", 1}, {"440300", 0}, {"440300", cases.MaxSerialSeq + 1}} {
		if _, err := cases.FormatSerial(bad.region, at, bad.seq); err == nil {
			t.Errorf("FormatSerial(%s, %d) succeeded", bad.region, bad.seq)
		}
	}
}

func TestParseSerialRefuses(t *testing.T) {
	t.Parallel()
	good, _ := cases.FormatSerial("440300", time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC), 7)
	swap := []byte(good)
	swap[15], swap[16] = swap[16], swap[15]
	tests := []struct {
		name, serial, code string
	}{
		{"empty", "", "serial.format"},
		{"too short", good[:20], "serial.format"},
		{"too long", good + "1", "serial.format"},
		{"letter inside", "4403002026030200000A" + good[20:], "serial.format"},
		{"bad province", "99" + good[2:], "serial.format"},
		{"bad date", "44030020261302000007" + string(cases.CheckChar("44030020261302000007")), "serial.format"},
		{"sequence zero", "44030020260302000000" + string(cases.CheckChar("44030020260302000000")), "serial.format"},
		{"wrong check", good[:20] + string(other(good[20])), "serial.checksum"},
		{"one digit mistyped", good[:9] + string(other(good[9])) + good[10:], "serial.checksum"},
		{"adjacent digits swapped", string(swap), "serial.checksum"},
		{"full-width digits", "４４０３００" + good[6:], "serial.format"},
	}
	for _, tt := range tests {
		if tt.name == "adjacent digits swapped" && swap[15] == swap[16] {
			continue
		}
		_, err := cases.ParseSerial(tt.serial)
		e := errs.As(err)
		if e == nil || e.Code != tt.code || e.Field != "serial" {
			t.Errorf("%s: ParseSerial(%q) = %v, want %s on field serial", tt.name, tt.serial, err, tt.code)
		}
	}
}

// other returns a different check character.
func other(c byte) byte {
	if c == '1' {
		return '2'
	}
	return '1'
}

// FuzzParseSerial checks that ParseSerial accepts exactly the strings
// whose check character matches, and that whatever it accepts formats
// back to itself.
func FuzzParseSerial(f *testing.F) {
	good, _ := cases.FormatSerial("440300", time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC), 42)
	for _, s := range []string{good, "", "44030020260302000042X", strings.Repeat("9", 21), "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := cases.ParseSerial(s)
		if err != nil {
			if e := errs.As(err); e == nil || e.Kind != errs.Invalid {
				t.Fatalf("ParseSerial(%q) error %v is not Invalid", s, err)
			}
			return
		}
		norm := cases.NormalizeSerial(s)
		if p.String() != norm {
			t.Fatalf("ParseSerial(%q) = %s, which formats differently from %s", s, p, norm)
		}
		if cases.CheckChar(norm[:20]) != norm[20] {
			t.Fatalf("ParseSerial(%q) accepted a wrong check character", s)
		}
	})
}

func ExampleFormatSerial() {
	s, _ := cases.FormatSerial("440300", time.Date(2026, 3, 2, 9, 0, 0, 0, cases.ChinaTime()), 1)
	fmt.Println(s)
	// Output: 440300202603020000019
}
