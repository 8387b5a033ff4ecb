package sso

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
)

// Sealer encrypts and authenticates short strings (token ids, request ids)
// with AES-256-GCM under the provider's shared key, so that what a client
// holds can be neither forged nor read. Its Encrypt and Decrypt methods
// match the op package's Crypto interface.
type Sealer struct {
	aead cipher.AEAD
}

// errUnseal is returned for any value that was not sealed by this key.
var errUnseal = errors.New("sealed value is invalid")

// NewSealer returns a sealer using key.
func NewSealer(key [32]byte) (*Sealer, error) {
	block, err := aes.NewCipher(key[:])
	if err != nil {
		return nil, fmt.Errorf("new sealer: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("new sealer: %w", err)
	}
	return &Sealer{aead: aead}, nil
}

// Encrypt seals s into a URL-safe string.
func (k *Sealer) Encrypt(s string) (string, error) {
	nonce := make([]byte, k.aead.NonceSize(), k.aead.NonceSize()+len(s)+k.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("seal: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(k.aead.Seal(nonce, nonce, []byte(s), nil)), nil
}

// Decrypt opens a value sealed by Encrypt. It fails for anything else,
// including a sealed value with one bit changed.
func (k *Sealer) Decrypt(v string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil || len(b) < k.aead.NonceSize()+k.aead.Overhead() {
		return "", errUnseal
	}
	n := k.aead.NonceSize()
	p, err := k.aead.Open(nil, b[:n], b[n:], nil)
	if err != nil {
		return "", errUnseal
	}
	return string(p), nil
}
