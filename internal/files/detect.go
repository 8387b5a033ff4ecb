package files

import (
	"bytes"
	"fmt"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
)

// The accepted content types.
const (
	PDF  = "application/pdf"
	JPEG = "image/jpeg"
	PNG  = "image/png"
)

// SniffLen is how many leading bytes [Detect] needs at most.
const SniffLen = 8

// magic numbers of the accepted formats: PDF files start with "%PDF-"
// (ISO 32000-1 §7.5.2), JPEG files with the SOI marker followed by another
// marker (FF D8 FF), PNG files with their 8-byte signature (ISO/IEC 15948
// §5.2).
var magics = []struct {
	prefix []byte
	typ    string
}{
	{[]byte("%PDF-"), PDF},
	{[]byte{0xFF, 0xD8, 0xFF}, JPEG},
	{[]byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}, PNG},
}

// Detect returns the content type of a document from its first bytes
// (at least [SniffLen] of them when the content is that long): PDF, JPEG
// or PNG. Anything else is refused with errs.Invalid (code file.type),
// whatever its name says.
func Detect(head []byte) (string, error) {
	for _, m := range magics {
		if bytes.HasPrefix(head, m.prefix) {
			return m.typ, nil
		}
	}
	if len(head) == 0 {
		return "", ErrEmpty
	}
	return "", ErrType
}

// ErrType is returned for content that is not a PDF, JPEG or PNG document.
var ErrType = errs.E(errs.Invalid, "file.type",
	"只能上传 PDF、JPG 或 PNG 格式的文件（按文件内容识别，与文件名无关）",
	"only PDF, JPEG or PNG files can be uploaded (recognised from the content, not the file name)")

// Extension returns the usual file name extension of an accepted content
// type, with its dot, or "" for others.
func Extension(contentType string) string {
	switch contentType {
	case PDF:
		return ".pdf"
	case JPEG:
		return ".jpg"
	case PNG:
		return ".png"
	}
	return ""
}

// HumanSize formats a byte count for people: "512 B", "300 KB", "10 MB".
func HumanSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d B", n)
}
