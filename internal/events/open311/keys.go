package open311

import (
	"context"
	"crypto/subtle"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/events"
	"github.com/pengcheng-gov/pengcheng/internal/ids"
)

// Key is the API key of one client system. The secret itself is shown
// once, when the key is made; the store keeps its hash.
type Key struct {
	ID        string
	Name      string // the client, e.g. "i深圳 app"
	Prefix    string // the secret's first characters, to tell keys apart
	CreatedAt time.Time
	CreatedBy string
	RevokedAt time.Time // zero while the key is valid
}

// Revoked reports whether the key no longer opens anything.
func (k *Key) Revoked() bool { return !k.RevokedAt.IsZero() }

// Actor returns the events actor that acts for the key's client.
func (k *Key) Actor() events.Actor { return events.ClientActor(ReporterPrefix+k.ID, k.Name) }

// ReporterPrefix starts the reporter id of events reported through
// Open311: "open311:" + the key's id.
const ReporterPrefix = "open311:"

// KeyStore persists keys. Finders return errs.NotFound for unknown keys.
type KeyStore interface {
	// AddKey stores k with the hash of its secret; errs.Conflict when a
	// key that is not revoked has the same name.
	AddKey(ctx context.Context, k *Key, hash string) error
	// Keys returns every key, revoked ones included, oldest first.
	Keys(ctx context.Context) ([]*Key, error)
	KeyByID(ctx context.Context, id string) (*Key, error)
	KeyByHash(ctx context.Context, hash string) (*Key, error)
	// RevokeKey marks the key revoked at at; errs.NotFound when there is
	// no such key that is not revoked.
	RevokeKey(ctx context.Context, id string, at time.Time) error
}

// secretPrefix starts every secret, so that a key found in a log or a
// repository is recognisable.
const secretPrefix = "o311_"

// prefixLen is how much of a secret is kept in clear.
const prefixLen = len(secretPrefix) + 6

// MaxKeyName bounds a key's name.
const MaxKeyName = 80

// Keys manages the API keys of client systems.
type Keys struct {
	store KeyStore
	now   func() time.Time
}

// NewKeys returns key management on store; now defaults to time.Now.
func NewKeys(store KeyStore, now func() time.Time) *Keys {
	if now == nil {
		now = time.Now
	}
	return &Keys{store: store, now: now}
}

var errKeysForbidden = errs.E(errs.Forbidden, "open311.keys.forbidden", "只有平台管理员可以管理 Open311 密钥",
	"Only platform admins may manage Open311 keys.")

// Add makes a key for the client name and returns it with its secret,
// which is not stored and cannot be shown again.
func (k *Keys) Add(ctx context.Context, actor events.Actor, name string) (*Key, string, error) {
	if !actor.IsAdmin() {
		return nil, "", errKeysForbidden
	}
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > MaxKeyName || !utf8.ValidString(name) ||
		strings.IndexFunc(name, unicode.IsControl) >= 0 {
		return nil, "", errs.Field("name", "open311.key.name", fmt.Sprintf("请为密钥起一个 1–%d 个字符的名称（接入方名称）", MaxKeyName),
			fmt.Sprintf("name the key (the client) in 1–%d characters", MaxKeyName))
	}
	secret := secretPrefix + ids.Token(24)
	key := &Key{ID: ids.New(), Name: name, Prefix: secret[:prefixLen], CreatedAt: k.now().UTC().Truncate(time.Microsecond),
		CreatedBy: actor.Name}
	if err := k.store.AddKey(ctx, key, ids.Hash(secret)); err != nil {
		if errs.Is(err, errs.Conflict) {
			return nil, "", errs.Field("name", "open311.key.name_taken", fmt.Sprintf("已有名为 %q 的有效密钥", name),
				fmt.Sprintf("a valid key named %q exists", name))
		}
		return nil, "", fmt.Errorf("store key: %w", err)
	}
	return key, secret, nil
}

// List returns every key, revoked ones included, oldest first.
func (k *Keys) List(ctx context.Context, actor events.Actor) ([]*Key, error) {
	if !actor.IsAdmin() {
		return nil, errKeysForbidden
	}
	keys, err := k.store.Keys(ctx)
	if err != nil {
		return nil, fmt.Errorf("list keys: %w", err)
	}
	return keys, nil
}

// Revoke revokes the key with the id, or the valid key with the name.
func (k *Keys) Revoke(ctx context.Context, actor events.Actor, idOrName string) (*Key, error) {
	if !actor.IsAdmin() {
		return nil, errKeysForbidden
	}
	idOrName = strings.TrimSpace(idOrName)
	var key *Key
	if ids.Valid(idOrName) {
		found, err := k.store.KeyByID(ctx, idOrName)
		if err != nil && !errs.Is(err, errs.NotFound) {
			return nil, fmt.Errorf("find key: %w", err)
		}
		key = found
	} else {
		keys, err := k.store.Keys(ctx)
		if err != nil {
			return nil, fmt.Errorf("list keys: %w", err)
		}
		for _, c := range keys {
			if c.Name == idOrName && !c.Revoked() {
				key = c
			}
		}
	}
	errNone := errs.E(errs.NotFound, "open311.key.not_found", fmt.Sprintf("没有编号或名称为 %.80q 的有效密钥", idOrName),
		fmt.Sprintf("There is no valid key with the id or name %.80q.", idOrName))
	if key == nil || key.Revoked() {
		return nil, errNone
	}
	at := k.now().UTC().Truncate(time.Microsecond)
	if err := k.store.RevokeKey(ctx, key.ID, at); err != nil {
		if errs.Is(err, errs.NotFound) {
			return nil, errNone
		}
		return nil, fmt.Errorf("revoke key: %w", err)
	}
	key.RevokedAt = at
	return key, nil
}

// The answers to a missing or wrong key. The spec asks for 403 in both
// cases.
var (
	errKeyMissing = errs.E(errs.Forbidden, "open311.api_key.missing", "缺少 api_key：请使用平台签发的 Open311 密钥",
		"api_key was not provided: use an Open311 key issued by the platform.")
	errKeyInvalid = errs.E(errs.Forbidden, "open311.api_key.invalid", "api_key 无效或已撤销",
		"Invalid api_key received: it is unknown or has been revoked.")
)

// Authenticate returns the valid key whose secret is given; a missing,
// unknown or revoked key is errs.Forbidden.
func (k *Keys) Authenticate(ctx context.Context, secret string) (*Key, error) {
	secret = strings.TrimSpace(secret)
	if secret == "" {
		return nil, errKeyMissing
	}
	if len(secret) > 200 {
		return nil, errKeyInvalid
	}
	hash := ids.Hash(secret)
	key, err := k.store.KeyByHash(ctx, hash)
	switch {
	case errs.Is(err, errs.NotFound):
		return nil, errKeyInvalid
	case err != nil:
		return nil, fmt.Errorf("find key: %w", err)
	case key.Revoked():
		return nil, errKeyInvalid
	}
	// The store found the key by its hash; compare the shown part too, in
	// constant time, so that a store answering loosely lets nothing in.
	if len(secret) < prefixLen || subtle.ConstantTimeCompare([]byte(secret[:prefixLen]), []byte(key.Prefix)) != 1 {
		return nil, errKeyInvalid
	}
	return key, nil
}
