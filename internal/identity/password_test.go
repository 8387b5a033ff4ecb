package identity

import (
	"encoding/base64"
	"errors"
	"regexp"
	"testing"

	"golang.org/x/crypto/argon2"
)

func TestHashPassword(t *testing.T) {
	t.Parallel()
	h, err := HashPassword("correct7horse")
	if err != nil {
		t.Fatalf("HashPassword: %v", err)
	}
	phcRe := regexp.MustCompile(`^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)
	if !phcRe.MatchString(h) {
		t.Errorf("hash %q is not in the expected PHC format", h)
	}
	h2, _ := HashPassword("correct7horse")
	if h == h2 {
		t.Errorf("two hashes of one password are equal; the salt is not random")
	}
	for _, tc := range []struct {
		pw   string
		want bool
	}{{"correct7horse", true}, {"correct7hors", false}, {"Correct7horse", false}, {"", false}} {
		if got, err := CheckPassword(h, tc.pw); err != nil || got != tc.want {
			t.Errorf("CheckPassword(%q) = %v, %v; want %v", tc.pw, got, err, tc.want)
		}
	}
	if NeedsRehash(h) {
		t.Errorf("NeedsRehash(fresh hash) = true, want false")
	}
}

func TestCheckPasswordOtherParameters(t *testing.T) {
	t.Parallel()
	// A hash made with other (older, weaker) parameters still verifies, and
	// asks to be replaced. Salt "c2FsdHNhbHRzYWx0c2FsdA" = "saltsaltsaltsalt".
	const weak = "$argon2id$v=19$m=4096,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$" // key appended below
	p, err := parsePHC(weak + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
	if err != nil {
		t.Fatalf("parsePHC: %v", err)
	}
	key := argonKey("pw1secret", p)
	h := weak + key
	if ok, err := CheckPassword(h, "pw1secret"); err != nil || !ok {
		t.Errorf("CheckPassword(weak hash) = %v, %v; want true", ok, err)
	}
	if !NeedsRehash(h) {
		t.Errorf("NeedsRehash(m=4096,t=1) = false, want true")
	}
}

func TestCheckPasswordMalformed(t *testing.T) {
	t.Parallel()
	good, _ := HashPassword("pw")
	for _, h := range []string{
		"", "plain", "$2a$10$abcdefghijklmnopqrstuv", // bcrypt
		"$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"$argon2id$v=18$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"$argon2id$v=19$m=99999999,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"$argon2id$v=19$m=19456,t=200,p=1$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"$argon2id$v=19$m=19456,t=2,p=1x$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"$argon2id$v=19$m=19456,t=2,p=1$!!!$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$AAAA",
		good + "$extra",
	} {
		if ok, err := CheckPassword(h, "pw"); ok || !errors.Is(err, ErrBadHash) {
			t.Errorf("CheckPassword(%q) = %v, %v; want false, ErrBadHash", h, ok, err)
		}
		if !NeedsRehash(h) {
			t.Errorf("NeedsRehash(%q) = false, want true", h)
		}
	}
}

func FuzzParsePHC(f *testing.F) {
	good, _ := HashPassword("pw")
	f.Add(good)
	f.Add("$argon2id$v=19$m=19456,t=2,p=1$$")
	f.Fuzz(func(t *testing.T, s string) {
		p, err := parsePHC(s)
		if err != nil {
			return
		}
		if p.time < 1 || p.threads < 1 || p.memory > maxArgonMemory || len(p.salt) < 8 || len(p.key) < 16 {
			t.Fatalf("parsePHC(%q) accepted unsafe parameters %+v", s, p)
		}
	})
}

// argonKey returns the base64 key of pw under p's parameters and salt.
func argonKey(pw string, p phc) string {
	return base64.RawStdEncoding.EncodeToString(argon2.IDKey([]byte(pw), p.salt, p.time, p.memory, p.threads, uint32(len(p.key))))
}
