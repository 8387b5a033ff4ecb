package files_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/files"
)

// Samples of real formats' first bytes.
var (
	pdfDoc  = []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")
	jpegDoc = append([]byte{0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00}, bytes.Repeat([]byte{0x42}, 40)...)
	pngDoc  = append([]byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'}, bytes.Repeat([]byte{7}, 30)...)
	exeDoc  = append([]byte("MZ\x90\x00\x03\x00\x00\x00"), bytes.Repeat([]byte{0}, 60)...)
)

func TestDetect(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		head []byte
		want string
		code string // error code when refused
	}{
		{"pdf", pdfDoc, files.PDF, ""},
		{"pdf header only", []byte("%PDF-"), files.PDF, ""},
		{"jpeg", jpegDoc, files.JPEG, ""},
		{"png", pngDoc, files.PNG, ""},
		{"windows program", exeDoc, "", "file.type"},
		{"elf program", []byte("\x7fELF\x02\x01\x01\x00"), "", "file.type"},
		{"zip (docx)", []byte("PK\x03\x04\x14\x00\x06\x00"), "", "file.type"},
		{"gif", []byte("GIF89a\x01\x00"), "", "file.type"},
		{"html", []byte("<!doctype html><script>"), "", "file.type"},
		{"pdf in lower case", []byte("%pdf-1.4"), "", "file.type"},
		{"pdf not at the start", []byte(" %PDF-1.4"), "", "file.type"},
		{"truncated png signature", []byte{0x89, 'P', 'N', 'G'}, "", "file.type"},
		{"jpeg SOI without marker", []byte{0xFF, 0xD8, 0x00, 0x00}, "", "file.type"},
		{"empty", nil, "", "file.empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := files.Detect(tt.head)
			if got != tt.want {
				t.Errorf("Detect = %q, want %q", got, tt.want)
			}
			code := ""
			if e := errs.As(err); e != nil {
				code = e.Code
				if e.Kind != errs.Invalid || e.Msg == "" || e.MsgEN == "" {
					t.Errorf("error %+v, want an Invalid error with both messages", e)
				}
			} else if err != nil {
				t.Errorf("error %v is not an *errs.Error", err)
			}
			if code != tt.code {
				t.Errorf("error code = %q, want %q", code, tt.code)
			}
		})
	}
}

// FuzzDetect proves that nothing but content starting with a PDF, JPEG or
// PNG signature is ever accepted, and that what is accepted is labelled by
// its signature.
func FuzzDetect(f *testing.F) {
	for _, s := range [][]byte{pdfDoc, jpegDoc, pngDoc, exeDoc, nil, []byte("%PDF"), {0xFF, 0xD8}} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		typ, err := files.Detect(b)
		want := ""
		switch {
		case bytes.HasPrefix(b, []byte("%PDF-")):
			want = files.PDF
		case bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}):
			want = files.JPEG
		case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
			want = files.PNG
		}
		if typ != want {
			t.Fatalf("Detect(%q) = %q, want %q", b, typ, want)
		}
		if (err == nil) != (want != "") {
			t.Fatalf("Detect(%q) error = %v", b, err)
		}
	})
}

func newStore(t *testing.T) (*files.Local, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "files")
	s, err := files.NewLocal(dir)
	if err != nil {
		t.Fatal(err)
	}
	return s, dir
}

// stored lists the files in the store's directory, temporary ones included.
func stored(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func TestPutOpenRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newStore(t)
	for _, tt := range []struct {
		name string
		doc  []byte
		typ  string
	}{{"pdf", pdfDoc, files.PDF}, {"jpeg", jpegDoc, files.JPEG}, {"png", pngDoc, files.PNG}} {
		b, err := s.Put(ctx, bytes.NewReader(tt.doc), 1<<20)
		if err != nil {
			t.Fatalf("%s: Put: %v", tt.name, err)
		}
		want := files.Blob{SHA256: sum(tt.doc), Size: int64(len(tt.doc)), ContentType: tt.typ}
		if b != want {
			t.Errorf("%s: Put = %+v, want %+v", tt.name, b, want)
		}
		rc, ob, err := s.Open(ctx, b.SHA256)
		if err != nil {
			t.Fatalf("%s: Open: %v", tt.name, err)
		}
		got, err := io.ReadAll(rc)
		rc.Close()
		if err != nil || !bytes.Equal(got, tt.doc) || ob != want {
			t.Errorf("%s: Open = %+v %q (%v), want %+v and the document", tt.name, ob, got, err, want)
		}
	}
}

func TestPutRefusesAndStoresNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	big := append(append([]byte{}, pdfDoc...), bytes.Repeat([]byte("x"), 2000)...)
	tests := []struct {
		name string
		doc  []byte
		max  int64
		code string
	}{
		{"program renamed .pdf", exeDoc, 1 << 20, "file.type"},
		{"text", []byte("hello, this is not a document"), 1 << 20, "file.type"},
		{"empty", nil, 1 << 20, "file.empty"},
		{"one byte over the limit", big, int64(len(big)) - 1, "file.too_large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, dir := newStore(t)
			_, err := s.Put(ctx, bytes.NewReader(tt.doc), tt.max)
			if e := errs.As(err); e == nil || e.Code != tt.code || e.Kind != errs.Invalid {
				t.Fatalf("Put error = %v, want Invalid %s", err, tt.code)
			}
			if left := stored(t, dir); len(left) != 0 {
				t.Errorf("files left behind: %v", left)
			}
		})
	}
	t.Run("exactly at the limit", func(t *testing.T) {
		s, _ := newStore(t)
		if _, err := s.Put(ctx, bytes.NewReader(big), int64(len(big))); err != nil {
			t.Errorf("Put at the limit: %v", err)
		}
	})
}

func TestPutDeduplicatesConcurrentUploads(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, dir := newStore(t)
	var wg sync.WaitGroup
	results := make([]files.Blob, 16)
	errors := make([]error, 16)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errors[i] = s.Put(ctx, bytes.NewReader(pdfDoc), 1<<20)
		}()
	}
	wg.Wait()
	for i := range results {
		if errors[i] != nil || results[i] != results[0] {
			t.Errorf("upload %d = %+v, %v; want %+v", i, results[i], errors[i], results[0])
		}
	}
	left := stored(t, dir)
	if len(left) != 1 || filepath.Base(left[0]) != sum(pdfDoc) {
		t.Errorf("stored files = %v, want one named by the hash", left)
	}
	if !strings.Contains(left[0], filepath.Join(sum(pdfDoc)[:2], sum(pdfDoc)[2:4])) {
		t.Errorf("file %s is not sharded by its hash prefix", left[0])
	}
}

func TestOpenUnknown(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	for _, name := range []string{sum([]byte("never stored")), "../../etc/passwd", "", strings.ToUpper(sum(pdfDoc))} {
		_, _, err := s.Open(context.Background(), name)
		if !errs.Is(err, errs.NotFound) {
			t.Errorf("Open(%q) error = %v, want NotFound", name, err)
		}
	}
}

func TestPutHonoursCancellation(t *testing.T) {
	t.Parallel()
	s, dir := newStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := io.MultiReader(bytes.NewReader(pdfDoc), bytes.NewReader(make([]byte, 1<<16)))
	if _, err := s.Put(ctx, r, 1<<20); !errors.Is(err, context.Canceled) {
		t.Errorf("Put error = %v, want context.Canceled", err)
	}
	if left := stored(t, dir); len(left) != 0 {
		t.Errorf("files left behind: %v", left)
	}
}

func TestHumanSize(t *testing.T) {
	t.Parallel()
	for n, want := range map[int64]string{10 << 20: "10 MB", 1536 << 10: "1.5 MB", 300 << 10: "300 KB", 512: "512 B"} {
		if got := files.HumanSize(n); got != want {
			t.Errorf("HumanSize(%d) = %q, want %q", n, got, want)
		}
	}
}
