// Package files keeps uploaded documents (applications' materials) in a
// content-addressed store: a file is named by the SHA-256 of its bytes, so
// the same document uploaded twice is stored once and a stored file can
// never change under its name.
//
// Only PDF, JPEG and PNG documents are accepted, recognised from their
// first bytes, never from the file name or the declared content type: a
// PDF renamed .jpg is stored as a PDF, and a program renamed .pdf is
// refused. [Detect] is the one place that decides.
//
// [Store] is the small interface the rest of the platform uses; [Local] is
// the default implementation on a local directory. An object store can
// take its place by implementing the same two methods.
package files

import (
	"context"
	"io"
	"regexp"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

// Blob describes a stored file.
type Blob struct {
	SHA256      string // lower-case hex SHA-256 of the content: the file's name
	Size        int64  // bytes
	ContentType string // "application/pdf", "image/jpeg" or "image/png"
}

// Store keeps files by the SHA-256 of their content. Implementations are
// safe for concurrent use.
type Store interface {
	// Put reads r to its end and stores the content, if it is a PDF, JPEG
	// or PNG document of at most maxBytes bytes. Storing content that is
	// already there stores nothing new and returns the same Blob. It
	// returns errs.Invalid (code file.type) for any other kind of content,
	// (code file.too_large) when r holds more than maxBytes, and (code
	// file.empty) when r holds nothing; in every such case nothing is
	// stored.
	Put(ctx context.Context, r io.Reader, maxBytes int64) (Blob, error)
	// Open returns the stored file named sha and its Blob; the caller
	// closes the reader. It returns errs.NotFound when there is no such
	// file (or sha is not a SHA-256 in lower-case hex).
	Open(ctx context.Context, sha string) (io.ReadCloser, Blob, error)
}

var shaPattern = regexp.MustCompile(`^[0-9a-f]{64}$`)

// ValidSHA256 reports whether s is a SHA-256 in lower-case hex, the form of
// a Blob's name.
func ValidSHA256(s string) bool { return shaPattern.MatchString(s) }

// ErrNotFound is returned by Open for a name that is not stored.
var ErrNotFound = errs.E(errs.NotFound, "file.not_found", "文件不存在", "no such file")

// ErrEmpty is returned by Put for empty content.
var ErrEmpty = errs.E(errs.Invalid, "file.empty", "文件是空的，请重新选择", "the file is empty; please choose it again")

// TooLarge returns the error for content over maxBytes bytes.
func TooLarge(maxBytes int64) error {
	return errs.E(errs.Invalid, "file.too_large",
		"文件超过大小上限 "+HumanSize(maxBytes)+"，请压缩或拆分后再上传",
		"the file is larger than the limit of "+HumanSize(maxBytes)+"; please compress or split it")
}
