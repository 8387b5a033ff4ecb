package appointments

import (
	"crypto/rand"
	"strings"
)

// codeAlphabet are the characters of booking codes: digits and upper-case
// letters without 0, 1, I and O, which are easily confused. It has 32
// characters, so a random byte maps to one without bias.
const codeAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"

// CodeLength is the length of a booking code: 40 random bits.
const CodeLength = 8

// NewBookingCode returns a random booking code.
func NewBookingCode() string {
	var b [CodeLength]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	for i := range b {
		b[i] = codeAlphabet[b[i]&31]
	}
	return string(b[:])
}

// NormalizeCode returns a typed booking code in its stored form
// (upper-case, without spaces and hyphens), and whether it has the shape
// of one.
func NormalizeCode(s string) (string, bool) {
	s = strings.ToUpper(strings.NewReplacer(" ", "", "-", "", "\u3000", "").Replace(strings.TrimSpace(s)))
	if len(s) != CodeLength {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(codeAlphabet, s[i]) < 0 {
			return "", false
		}
	}
	return s, true
}

// NormalizeTail returns the typed last four characters of an identity
// number or credit code in stored form (upper-case), and whether they
// have the shape of them.
func NormalizeTail(s string) (string, bool) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if len(s) != 4 {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'A' <= c && c <= 'Z') {
			return "", false
		}
	}
	return s, true
}
