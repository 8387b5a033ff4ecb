package identitytest

import (
	"strings"
	"testing"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/identity"
)

func TestSampleIDNumbersAreValid(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	var lastChars string
	for _, n := range SampleIDNumbers() {
		if _, err := identity.ParseIDNumber(n); err != nil {
			t.Errorf("sample %s is invalid: %v", n, err)
			continue
		}
		if seen[n] {
			t.Errorf("sample %s is listed twice", n)
		}
		seen[n] = true
		lastChars += n[17:]
	}
	if !strings.Contains(lastChars, "X") || !strings.Contains(lastChars, "0") {
		t.Errorf("check characters %q of the samples should include X and 0", lastChars)
	}
}

func TestIDNumber(t *testing.T) {
	t.Parallel()
	birth := time.Date(1949, 12, 31, 0, 0, 0, 0, time.UTC)
	// GB 11643-1999's worked example.
	if got := IDNumber("110105", birth, 2); got != "11010519491231002X" {
		t.Errorf("IDNumber = %s, want 11010519491231002X", got)
	}
	for seq := range 50 {
		n := IDNumber("440306", birth, seq)
		info, err := identity.ParseIDNumber(n)
		if err != nil || info.Male != (seq%2 == 1) || !info.Birth.Equal(birth) {
			t.Errorf("IDNumber(seq %d) = %s: %+v, %v", seq, n, info, err)
		}
	}
}

func TestUSCC(t *testing.T) {
	t.Parallel()
	for seq := range 50 {
		c := USCC("440300", seq*7919)
		if got, err := identity.ValidateUSCC(c); err != nil || got != c {
			t.Errorf("USCC(seq %d) = %s: %v", seq, c, err)
		}
	}
}

func TestClock(t *testing.T) {
	t.Parallel()
	c := NewClock(Start)
	c.Advance(time.Hour)
	if got := c.Now(); !got.Equal(Start.Add(time.Hour)) {
		t.Errorf("Now = %v, want %v", got, Start.Add(time.Hour))
	}
}
