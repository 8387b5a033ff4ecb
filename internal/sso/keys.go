package sso

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/ids"
)

// AlgRS256 is the signature algorithm of every signing key.
const AlgRS256 = "RS256"

// rsaBits is the size of generated signing keys.
const rsaBits = 2048

// KeyPair is a parsed signing key.
type KeyPair struct {
	ID         string
	Algorithm  string
	Generation int
	Private    *rsa.PrivateKey
}

// RotateKeys creates a new signing key that signs from now on; the previous
// keys stay published until every ID token they signed has expired
// (KeyRetention after they were replaced). When another instance rotated
// at the same moment, its key is kept and returned instead.
func (s *Service) RotateKeys(ctx context.Context) (*SigningKey, error) {
	keys, err := s.store.FindSigningKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("rotate keys: %w", err)
	}
	gen := 1
	if len(keys) > 0 {
		gen = keys[0].Generation + 1
	}
	pk, err := rsa.GenerateKey(rand.Reader, rsaBits)
	if err != nil {
		return nil, fmt.Errorf("rotate keys: generate: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(pk)
	if err != nil {
		return nil, fmt.Errorf("rotate keys: encode: %w", err)
	}
	now := s.now()
	k := &SigningKey{
		ID: ids.New(), Generation: gen, Algorithm: AlgRS256, CreatedAt: now,
		PrivateKeyPEM: string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})),
	}
	if err := s.store.CreateSigningKey(ctx, k); err != nil {
		if !errs.Is(err, errs.Conflict) {
			return nil, fmt.Errorf("rotate keys: %w", err)
		}
		// Another instance won the race for this generation: use its key.
		keys, err = s.store.FindSigningKeys(ctx)
		if err != nil || len(keys) == 0 {
			return nil, fmt.Errorf("rotate keys: reload after conflict: %w", err)
		}
		k = keys[0]
	} else {
		s.log.InfoContext(ctx, "sso: signing key rotated", "kid", k.ID, "generation", gen)
	}
	if err := s.store.RetireSigningKeys(ctx, k.Generation, now); err != nil {
		return nil, fmt.Errorf("rotate keys: retire old keys: %w", err)
	}
	return k, nil
}

// EnsureKeys rotates the signing key when there is none or it is older
// than KeyMaxAge, deletes replaced keys past their retention, and returns
// the key that signs.
func (s *Service) EnsureKeys(ctx context.Context) (*SigningKey, error) {
	keys, err := s.store.FindSigningKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("load signing keys: %w", err)
	}
	now := s.now()
	for _, k := range keys {
		if !k.RetiredAt.IsZero() && now.Sub(k.RetiredAt) > s.cfg.KeyRetention {
			if err := s.store.DeleteSigningKey(ctx, k.ID); err != nil {
				return nil, fmt.Errorf("delete retired key %s: %w", k.ID, err)
			}
			s.log.InfoContext(ctx, "sso: retired signing key removed", "kid", k.ID)
		}
	}
	if len(keys) == 0 || now.Sub(keys[0].CreatedAt) >= s.cfg.KeyMaxAge {
		return s.RotateKeys(ctx)
	}
	return keys[0], nil
}

// SigningKey returns the key that signs now (the newest).
func (s *Service) SigningKey(ctx context.Context) (*KeyPair, error) {
	keys, err := s.store.FindSigningKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("load signing key: %w", err)
	}
	if len(keys) == 0 {
		return nil, errors.New("load signing key: there is none; the service was not started")
	}
	return s.parseKey(keys[0])
}

// PublishedKeys returns the keys whose public halves the JWKS lists: the
// signing key and those replaced less than KeyRetention ago.
func (s *Service) PublishedKeys(ctx context.Context) ([]*KeyPair, error) {
	keys, err := s.store.FindSigningKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("load published keys: %w", err)
	}
	now := s.now()
	var out []*KeyPair
	for _, k := range keys {
		if !k.RetiredAt.IsZero() && now.Sub(k.RetiredAt) > s.cfg.KeyRetention {
			continue
		}
		kp, err := s.parseKey(k)
		if err != nil {
			return nil, err
		}
		out = append(out, kp)
	}
	return out, nil
}

// parseKey parses a stored key, caching the result by id: parsing PEM on
// every signature would waste time, and a stored key never changes.
func (s *Service) parseKey(k *SigningKey) (*KeyPair, error) {
	if v, ok := s.parsedKeys.Load(k.ID); ok {
		return &KeyPair{ID: k.ID, Algorithm: k.Algorithm, Generation: k.Generation, Private: v.(*rsa.PrivateKey)}, nil
	}
	b, _ := pem.Decode([]byte(k.PrivateKeyPEM))
	if b == nil {
		return nil, fmt.Errorf("signing key %s: no PEM block", k.ID)
	}
	pk, err := x509.ParsePKCS8PrivateKey(b.Bytes)
	if err != nil {
		return nil, fmt.Errorf("signing key %s: %w", k.ID, err)
	}
	rk, ok := pk.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("signing key %s: not an RSA key", k.ID)
	}
	s.parsedKeys.Store(k.ID, rk)
	return &KeyPair{ID: k.ID, Algorithm: k.Algorithm, Generation: k.Generation, Private: rk}, nil
}
