package identity_test

import (
	"encoding/base64"

	"golang.org/x/crypto/argon2"
)

// weakKey is the base64 argon2id key of pw with m=4096, t=1, p=1 and the
// salt "saltsaltsaltsalt", as an older release might have stored it.
func weakKey(pw string) string {
	return base64.RawStdEncoding.EncodeToString(argon2.IDKey([]byte(pw), []byte("saltsaltsaltsalt"), 1, 4096, 1, 32))
}
