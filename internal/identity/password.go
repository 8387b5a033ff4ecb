package identity

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters: the OWASP minimum (19 MiB of memory, 2 passes, 1
// lane), a 16-byte salt and a 32-byte key.
const (
	argonMemory  = 19 * 1024 // KiB
	argonTime    = 2
	argonThreads = 1
	argonSaltLen = 16
	argonKeyLen  = 32

	// maxArgonMemory bounds the memory a stored hash may ask for (256 MiB).
	maxArgonMemory = 256 * 1024
)

// ErrBadHash is returned by [CheckPassword] for a stored hash that is not
// an argon2id PHC string.
var ErrBadHash = errors.New("identity: malformed password hash")

// HashPassword returns the argon2id hash of pw in PHC string format,
// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>, with unpadded standard
// base64 salt and hash.
func HashPassword(pw string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, argonMemory, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// phc is a parsed argon2id PHC string.
type phc struct {
	memory  uint32
	time    uint32
	threads uint8
	salt    []byte
	key     []byte
}

func parsePHC(encoded string) (phc, error) {
	var p phc
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, ErrBadHash
	}
	if parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return p, ErrBadHash
	}
	var threads uint32
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.memory, &p.time, &threads); err != nil ||
		parts[3] != fmt.Sprintf("m=%d,t=%d,p=%d", p.memory, p.time, threads) {
		return p, ErrBadHash
	}
	// Refuse parameters that would make verification absurdly expensive
	// (a tampered row must not become a denial of service).
	if p.time < 1 || p.time > 16 || threads < 1 || threads > 16 || p.memory < 8*threads || p.memory > maxArgonMemory {
		return p, ErrBadHash
	}
	p.threads = uint8(threads)
	var err error
	if p.salt, err = base64.RawStdEncoding.Strict().DecodeString(parts[4]); err != nil || len(p.salt) < 8 {
		return p, ErrBadHash
	}
	if p.key, err = base64.RawStdEncoding.Strict().DecodeString(parts[5]); err != nil || len(p.key) < 16 || len(p.key) > 64 {
		return p, ErrBadHash
	}
	return p, nil
}

// CheckPassword reports whether pw matches the argon2id hash encoded,
// comparing in constant time. It returns ErrBadHash if encoded is not a
// well-formed argon2id PHC string with sane parameters.
func CheckPassword(encoded, pw string) (bool, error) {
	p, err := parsePHC(encoded)
	if err != nil {
		return false, err
	}
	key := argon2.IDKey([]byte(pw), p.salt, p.time, p.memory, p.threads, uint32(len(p.key)))
	return subtle.ConstantTimeCompare(key, p.key) == 1, nil
}

// NeedsRehash reports whether a stored hash was made with other parameters
// than [HashPassword] uses now (or is malformed), so that it should be
// replaced after the next successful login.
func NeedsRehash(encoded string) bool {
	p, err := parsePHC(encoded)
	if err != nil {
		return true
	}
	return p.memory != argonMemory || p.time != argonTime || p.threads != argonThreads ||
		len(p.salt) != argonSaltLen || len(p.key) != argonKeyLen
}
