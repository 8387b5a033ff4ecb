package cases

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/pengcheng-gov/pengcheng/internal/catalog"
	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/files"
)

// MaterialInput supplies one material of a submission: a file uploaded
// before (Blob, through the API), a file's content (Content, from a web
// form) or, once the licence library is connected, a licence reference.
type MaterialInput struct {
	// Material is the item's material name, or MandateMaterial.
	Material string
	// FileName is the name the file had on the applicant's device, for
	// display only; the type comes from the content.
	FileName string
	// Blob is the SHA-256 of a file already in the file store.
	Blob string
	// Content is a file to store; Submit stores it only once everything
	// else about the submission is valid.
	Content io.Reader
	// Size is Content's length when known (> 0), checked before reading.
	Size int64
	// LicenceRef names an electronic licence; refused until the licence
	// library is connected.
	LicenceRef string
}

// MaterialField is the input name of the item's i-th material in forms and
// error fields: "material_0", "material_1", ….
func MaterialField(i int) string { return fmt.Sprintf("material_%d", i) }

// MandateField is the input name of the agent's mandate.
const MandateField = "mandate"

// pendingUpload is a file content to store once the submission is valid.
type pendingUpload struct {
	index int // into the attachments
	field string
	r     *bufio.Reader
	sized bool // the caller gave the size, checked already
}

// materials checks inputs against the item's materials and returns the
// attachments (exchange materials included, with nothing to supply) and
// the uploads still to store. Inputs replace the attachments of prior
// with the same material name; the rest of prior is kept (for
// resubmissions). Required upload and licence materials need a file;
// exchange materials need nothing; the mandate is required exactly for
// agents.
func (s *Service) materials(ctx context.Context, it *catalog.Item, rep Representation, inputs []MaterialInput, prior []Attachment) ([]Attachment, []pendingUpload, error) {
	given, err := byMaterial(it, rep, inputs)
	if err != nil {
		return nil, nil, err
	}
	kept := map[string]Attachment{}
	for _, a := range prior {
		kept[a.Material] = a
	}
	var out []Attachment
	var pending []pendingUpload
	add := func(field string, m catalog.Material, in MaterialInput, ok bool) error {
		if !ok {
			if a, had := kept[m.Name]; had && a.Kind != ByExchange {
				out = append(out, a)
				return nil
			}
			if m.Required {
				return errs.Field(field, "case.material_missing", "请上传「"+m.Name+"」", m.Name+" is required; please upload it")
			}
			return nil
		}
		a, p, err := s.attachment(ctx, field, m.Name, in)
		if err != nil {
			return err
		}
		if p != nil {
			p.index = len(out)
			pending = append(pending, *p)
		}
		out = append(out, a)
		return nil
	}
	for i, m := range it.Materials {
		in, ok := given[m.Name]
		if m.Source == catalog.SourceExchange {
			if ok {
				return nil, nil, errs.Field(MaterialField(i), "case.material_exchange", "「"+m.Name+"」由部门共享获取，无需提交",
					m.Name+" is obtained from the issuing department; do not supply it")
			}
			out = append(out, Attachment{Material: m.Name, Kind: ByExchange})
			continue
		}
		if err := add(MaterialField(i), m, in, ok); err != nil {
			return nil, nil, err
		}
	}
	if rep == ThroughAgent {
		in, ok := given[MandateMaterial]
		if err := add(MandateField, catalog.Material{Name: MandateMaterial, Required: true, Source: catalog.SourceUpload}, in, ok); err != nil {
			return nil, nil, err
		}
	}
	return out, pending, nil
}

// byMaterial indexes the inputs by material name, refusing unknown names,
// a mandate without agency, and materials given twice.
func byMaterial(it *catalog.Item, rep Representation, inputs []MaterialInput) (map[string]MaterialInput, error) {
	known := map[string]bool{MandateMaterial: true}
	for _, m := range it.Materials {
		known[m.Name] = true
	}
	given := map[string]MaterialInput{}
	for _, in := range inputs {
		switch {
		case !known[in.Material]:
			return nil, errs.Field("materials", "case.material_unknown", "本事项没有名为「"+in.Material+"」的材料",
				"the item has no material named "+in.Material)
		case in.Material == MandateMaterial && rep != ThroughAgent:
			return nil, errs.Field(MandateField, "case.mandate_unexpected", "只有代他人申请时才需要上传授权委托书",
				"a mandate is only needed when applying for someone else")
		}
		if _, dup := given[in.Material]; dup {
			return nil, errs.Field("materials", "case.material_twice", "材料「"+in.Material+"」提交了两次",
				"the material "+in.Material+" was supplied twice")
		}
		given[in.Material] = in
	}
	return given, nil
}

// attachment checks one supplied file: a stored blob is looked up; a
// content is checked for size and type now and stored later.
func (s *Service) attachment(ctx context.Context, field, material string, in MaterialInput) (Attachment, *pendingUpload, error) {
	a := Attachment{Material: material, Kind: ByUpload, FileName: cleanFileName(in.FileName)}
	switch {
	case in.LicenceRef != "":
		return a, nil, errs.Field(field, "case.licence_unavailable",
			"「"+material+"」暂不能从电子证照库调取，请上传证照的扫描件或照片",
			material+" cannot be taken from the e-licence library yet; please upload a scan or photo of it")
	case in.Blob != "" && in.Content != nil:
		return a, nil, errs.Field(field, "case.material_ambiguous", "「"+material+"」只能提交一个文件", "supply one file for "+material)
	case in.Blob != "":
		rc, b, err := s.d.Files.Open(ctx, in.Blob)
		if err != nil {
			if errs.Is(err, errs.NotFound) {
				return a, nil, errs.Field(field, "case.blob_unknown", "「"+material+"」引用的文件不存在，请重新上传",
					"the file given for "+material+" does not exist; please upload it again")
			}
			return a, nil, fmt.Errorf("open file %s: %w", in.Blob, err)
		}
		rc.Close()
		a.SHA256, a.Size, a.ContentType = b.SHA256, b.Size, b.ContentType
		if b.Size > s.d.MaxUploadBytes {
			return a, nil, labelled(files.TooLarge(s.d.MaxUploadBytes), field, material)
		}
		return a, nil, nil
	case in.Content != nil:
		if in.Size > s.d.MaxUploadBytes {
			return a, nil, labelled(files.TooLarge(s.d.MaxUploadBytes), field, material)
		}
		r := bufio.NewReaderSize(in.Content, 4096)
		head, err := r.Peek(files.SniffLen)
		if err != nil && err != io.EOF {
			return a, nil, fmt.Errorf("read %s: %w", material, err)
		}
		if _, err := files.Detect(head); err != nil {
			return a, nil, labelled(err, field, material)
		}
		return a, &pendingUpload{field: field, r: r, sized: in.Size > 0}, nil
	}
	return a, nil, errs.Field(field, "case.material_missing", "请上传「"+material+"」", material+" is required; please upload it")
}

// storeUploads stores the pending files and completes their attachments.
// Contents of unknown size are read into memory first (at most the limit
// plus one byte), so that an oversized file is refused before any file of
// the submission is stored.
func (s *Service) storeUploads(ctx context.Context, atts []Attachment, pending []pendingUpload) error {
	for i, p := range pending {
		if p.sized {
			continue
		}
		var buf bytes.Buffer
		if _, err := io.Copy(&buf, io.LimitReader(p.r, s.d.MaxUploadBytes+1)); err != nil {
			return fmt.Errorf("read %s: %w", atts[p.index].Material, err)
		}
		if int64(buf.Len()) > s.d.MaxUploadBytes {
			return labelled(files.TooLarge(s.d.MaxUploadBytes), p.field, atts[p.index].Material)
		}
		pending[i].r = bufio.NewReader(&buf)
	}
	for _, p := range pending {
		b, err := s.d.Files.Put(ctx, p.r, s.d.MaxUploadBytes)
		if err != nil {
			return labelled(err, p.field, atts[p.index].Material)
		}
		a := &atts[p.index]
		a.SHA256, a.Size, a.ContentType = b.SHA256, b.Size, b.ContentType
		if a.FileName == "" {
			a.FileName = a.Material + files.Extension(b.ContentType)
		}
	}
	return nil
}

// labelled returns an Invalid error about a material's file, naming the
// material and addressed to its field.
func labelled(err error, field, material string) error {
	e := errs.As(err)
	if e == nil || e.Kind != errs.Invalid {
		return err
	}
	c := *e
	c.Field = field
	c.Msg = "「" + material + "」：" + e.Msg
	c.MsgEN = material + ": " + e.MsgEN
	return &c
}

// cleanFileName keeps the last element of a file name, without control
// characters, at most 100 characters.
func cleanFileName(s string) string {
	s = strings.ReplaceAll(s, "\\", "/")
	s = path.Base(strings.TrimSpace(s))
	if s == "." || s == "/" {
		return ""
	}
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError {
			return -1
		}
		return r
	}, s)
	if r := []rune(s); len(r) > 100 {
		s = string(r[len(r)-100:])
	}
	return s
}
