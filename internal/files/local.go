package files

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Local is a [Store] on a directory of the local file system. A file named
// by SHA-256 h lives at DIR/h[0:2]/h[2:4]/h, so that no directory grows too
// large; uploads are written to DIR/tmp first, synced, and renamed into
// place, so a file is either wholly there or not at all, even after a
// crash. Several processes may share the directory.
type Local struct {
	dir string
}

var _ Store = (*Local)(nil)

// NewLocal returns the store on dir (conventionally config.DataDir/files),
// creating it if needed.
func NewLocal(dir string) (*Local, error) {
	if dir == "" {
		return nil, errors.New("file store: empty directory")
	}
	if err := os.MkdirAll(filepath.Join(dir, "tmp"), 0o750); err != nil {
		return nil, fmt.Errorf("file store: %w", err)
	}
	return &Local{dir: dir}, nil
}

// path returns where the file named sha lives.
func (l *Local) path(sha string) string {
	return filepath.Join(l.dir, sha[0:2], sha[2:4], sha)
}

// Put implements [Store].
func (l *Local) Put(ctx context.Context, r io.Reader, maxBytes int64) (Blob, error) {
	head := make([]byte, SniffLen)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return Blob{}, fmt.Errorf("read upload: %w", err)
	}
	head = head[:n]
	typ, err := Detect(head)
	if err != nil {
		return Blob{}, err
	}
	tmp, err := os.CreateTemp(filepath.Join(l.dir, "tmp"), "upload-*")
	if err != nil {
		return Blob{}, fmt.Errorf("file store: %w", err)
	}
	keep := false
	defer func() {
		if !keep {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	src := io.MultiReader(bytes.NewReader(head), ctxReader{ctx, r})
	size, err := io.Copy(io.MultiWriter(tmp, h), io.LimitReader(src, maxBytes+1))
	if err != nil {
		return Blob{}, fmt.Errorf("store upload: %w", err)
	}
	if size > maxBytes {
		return Blob{}, TooLarge(maxBytes)
	}
	if err := tmp.Sync(); err != nil {
		return Blob{}, fmt.Errorf("store upload: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return Blob{}, fmt.Errorf("store upload: %w", err)
	}
	b := Blob{SHA256: hex.EncodeToString(h.Sum(nil)), Size: size, ContentType: typ}
	final := l.path(b.SHA256)
	if _, err := os.Stat(final); err == nil {
		os.Remove(tmp.Name())
		keep = true
		return b, nil // already stored: content-addressed, so identical
	}
	if err := os.MkdirAll(filepath.Dir(final), 0o750); err != nil {
		return Blob{}, fmt.Errorf("file store: %w", err)
	}
	if err := os.Chmod(tmp.Name(), 0o640); err != nil {
		return Blob{}, fmt.Errorf("file store: %w", err)
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		return Blob{}, fmt.Errorf("file store: %w", err)
	}
	keep = true
	syncDir(filepath.Dir(final))
	return b, nil
}

// Open implements [Store].
func (l *Local) Open(_ context.Context, sha string) (io.ReadCloser, Blob, error) {
	if !ValidSHA256(sha) {
		return nil, Blob{}, ErrNotFound
	}
	f, err := os.Open(l.path(sha))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, Blob{}, ErrNotFound
	}
	if err != nil {
		return nil, Blob{}, fmt.Errorf("open file %s: %w", sha, err)
	}
	b, err := describe(f, sha)
	if err != nil {
		f.Close()
		return nil, Blob{}, err
	}
	return f, b, nil
}

// describe reads the size and type of an open stored file and rewinds it.
func describe(f *os.File, sha string) (Blob, error) {
	st, err := f.Stat()
	if err != nil {
		return Blob{}, fmt.Errorf("stat file %s: %w", sha, err)
	}
	head := make([]byte, SniffLen)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return Blob{}, fmt.Errorf("read file %s: %w", sha, err)
	}
	typ, err := Detect(head[:n])
	if err != nil {
		return Blob{}, fmt.Errorf("stored file %s has an unexpected type: %w", sha, err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return Blob{}, fmt.Errorf("rewind file %s: %w", sha, err)
	}
	return Blob{SHA256: sha, Size: st.Size(), ContentType: typ}, nil
}

// syncDir makes a rename in dir durable, where the system supports it.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}

// ctxReader stops reading when its context is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
