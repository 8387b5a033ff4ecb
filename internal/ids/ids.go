// Package ids generates the application's identifiers: time-ordered UUIDv7
// strings, and random secrets for tokens.
package ids

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"

	"github.com/google/uuid"
)

// New returns a new time-ordered identifier (UUIDv7, lower-case, 36 characters).
func New() string {
	return uuid.Must(uuid.NewV7()).String()
}

// Valid reports whether s has the form of an identifier made by New.
func Valid(s string) bool {
	if len(s) != 36 {
		return false
	}
	_, err := uuid.Parse(s)
	return err == nil
}

// Token returns a random URL-safe secret of n random bytes.
func Token(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// Hash returns the hex SHA-256 of a secret, for storing tokens at rest.
func Hash(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}
