// Package errs defines the error kinds shared by every Pengcheng module.
//
// A domain error is an [*Error] carrying a [Kind] (what went wrong, which the
// web layer maps to an HTTP status), a stable machine-readable Code, a message
// that is safe to show to the user in Simplified Chinese and in English, and
// optionally the wrapped cause, which is logged but never shown.
package errs

import (
	"errors"
	"fmt"
)

// Kind classifies an error. The zero value is Internal.
type Kind int

// The kinds of error. Each maps to one HTTP status in the web layer.
const (
	Internal        Kind = iota // a bug or an unavailable dependency; 500
	Invalid                     // bad input; 400 or 422
	NotFound                    // no such thing, or not visible to the caller; 404
	Conflict                    // the change clashes with the current state; 409
	Forbidden                   // authenticated but not allowed; 403
	Unauthenticated             // no valid credentials; 401
	TooManyRequests             // throttled or locked; 429
)

// String returns the kind's name, e.g. "invalid".
func (k Kind) String() string {
	switch k {
	case Invalid:
		return "invalid"
	case NotFound:
		return "not_found"
	case Conflict:
		return "conflict"
	case Forbidden:
		return "forbidden"
	case Unauthenticated:
		return "unauthenticated"
	case TooManyRequests:
		return "too_many_requests"
	default:
		return "internal"
	}
}

// Error is a domain error. Msg and MsgEN are shown to users; Err is the
// internal cause, kept for logs and errors.Is/As.
type Error struct {
	Kind  Kind
	Code  string // stable machine-readable code, e.g. "idnumber.checksum"
	Field string // the input field at fault, if any
	Msg   string // Simplified Chinese message for users
	MsgEN string // English message for users
	Err   error  // wrapped cause, never shown to users
}

// Error implements error. It returns the English message followed by the
// cause, for logs.
func (e *Error) Error() string {
	s := e.MsgEN
	if s == "" {
		s = e.Msg
	}
	if e.Code != "" {
		s = e.Code + ": " + s
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Message returns the user-facing message in the given language ("en" or
// anything else for Chinese).
func (e *Error) Message(lang string) string {
	if lang == "en" && e.MsgEN != "" {
		return e.MsgEN
	}
	return e.Msg
}

// E returns a new *Error of the given kind with a code and messages in
// Chinese and English.
func E(kind Kind, code, zh, en string) *Error {
	return &Error{Kind: kind, Code: code, Msg: zh, MsgEN: en}
}

// Field returns a new Invalid error about one input field.
func Field(field, code, zh, en string) *Error {
	return &Error{Kind: Invalid, Code: code, Field: field, Msg: zh, MsgEN: en}
}

// Wrap returns an Internal error with context that wraps err. If err already
// is an *Error it is wrapped with fmt.Errorf so its kind survives.
func Wrap(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf(format+": %w", append(args, err)...)
}

// KindOf returns the kind of the first *Error in err's chain, or Internal.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

// As returns the first *Error in err's chain, or nil.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// Is reports whether err's chain holds an *Error of the given kind.
func Is(err error, kind Kind) bool {
	return err != nil && KindOf(err) == kind
}

// ErrNotFound is a generic not-found error for stores.
var ErrNotFound = E(NotFound, "not_found", "未找到", "not found")
