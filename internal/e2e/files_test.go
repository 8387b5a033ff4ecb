package e2e

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

// samplePDF returns a small valid one-page PDF 1.4 document (a form with a
// line of text) with a correct cross-reference table.
func samplePDF() []byte {
	text := "BT /F1 20 Tf 72 760 Td (Application for an exit-entry permit) Tj ET"
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(text), text),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return b.Bytes()
}

// samplePNG returns a 240×320 PNG in the shape of an identity photo: a
// head and shoulders on a blue background.
func samplePNG(t *testing.T) []byte {
	t.Helper()
	const w, h = 240, 320
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	bg, skin, coat := color.RGBA{67, 142, 219, 255}, color.RGBA{236, 200, 170, 255}, color.RGBA{40, 40, 48, 255}
	for y := range h {
		for x := range w {
			dx, dy := x-w/2, y-120
			switch {
			case dx*dx+dy*dy*3/4 < 55*55:
				img.Set(x, y, skin)
			case y > 220 && dx*dx < (y-150)*(y-150):
				img.Set(x, y, coat)
			default:
				img.Set(x, y, bg)
			}
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// sampleEXE returns the start of a Windows program (an MZ header with a PE
// signature), the kind of file a citizen might upload by mistake after
// renaming it.
func sampleEXE() []byte {
	b := make([]byte, 1024)
	copy(b, "MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff")
	b[0x3c] = 0x80 // offset of the PE header
	copy(b[0x4e:], "This program cannot be run in DOS mode.\r\r\n$")
	copy(b[0x80:], "PE\x00\x00\x4c\x01")
	return b
}

// writeFile writes content to name in dir and returns its path.
func writeFile(t *testing.T, dir, name string, content []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, content, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// countFiles returns how many regular files are under dir (0 when it does
// not exist).
func countFiles(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			n++
		}
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return n
}
