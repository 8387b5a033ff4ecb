package catalog

import (
	"context"
	"fmt"
	"time"

	"github.com/pengcheng-gov/pengcheng/internal/errs"
	"github.com/pengcheng-gov/pengcheng/internal/ids"
)

var (
	itemFieldNames = []string{"code", "name", "department", "category", "applicant", "max_trips", "online_full_process",
		"no_meeting_batch1", "legal_days", "promised_days", "fee_yuan", "materials", "themes", "keywords", "description", "form_fields"}
	materialFields  = []string{"name", "required", "source"}
	formFieldFields = []string{"name", "label_zh", "label_en", "type", "required", "options", "max_length"}
	optionFields    = []string{"value", "label_zh", "label_en"}
)

// readItems reads items.json, checking each record and its references.
func readItems(doc *jsonDoc, known *knownRefs) []*importedItem {
	var out []*importedItem
	u := newUniques(doc)
	inFile := map[string]bool{}
	for i, v := range doc.array() {
		r := doc.newRecord(i+1, "", v, itemFieldNames, "")
		if r == nil {
			continue
		}
		it := readItem(r)
		it.check(r, known)
		u.check(r, "code", it.Code)
		u.check(r, "name", it.Name)
		if !r.failed {
			inFile[it.Code] = true
			it.rec = r
			out = append(out, it)
		}
	}
	// A name may not clash with an item that stays in the database.
	names := map[string]string{}
	for code, it := range known.dbItems {
		if !inFile[code] {
			names[it.Name] = code
		}
	}
	for _, it := range out {
		if other, ok := names[it.Name]; ok {
			it.rec.problem("name", it.rec.keys["name"], "import.name_taken",
				"已被数据库中的事项 "+other+" 使用："+it.Name, "is taken by item "+other+" in the database: "+it.Name)
		}
	}
	return out
}

// readItem reads the fields of one item record.
func readItem(r *record) *importedItem {
	it := &importedItem{Item: &Item{Code: r.str("code", true)}}
	r.code = it.Code
	it.Name = r.str("name", true)
	it.Department = r.str("department", true)
	it.Category = r.str("category", true)
	for _, a := range r.strs("applicant", true) {
		it.Applicants = append(it.Applicants, ApplicantKind(a))
	}
	it.MaxTrips = r.integer("max_trips", true)
	it.OnlineFullProcess = r.boolean("online_full_process", true)
	it.NoMeetingBatch1 = r.boolean("no_meeting_batch1", false)
	it.LegalDays = r.integer("legal_days", true)
	it.PromisedDays = r.integer("promised_days", true)
	it.FeeFen = r.fen("fee_yuan", true)
	mats := r.objects("materials", true, materialFields)
	for _, m := range mats {
		it.Materials = append(it.Materials, Material{Name: m.str("name", true), Required: m.boolean("required", true),
			Source: MaterialSource(m.str("source", true))})
	}
	r.absorb("materials", mats)
	it.Themes = r.strs("themes", false) // names until check
	it.Keywords = r.strs("keywords", false)
	it.Description = r.str("description", false)
	if _, ok := r.fields["form_fields"]; ok {
		it.hasForm = true
		it.FormFields = readForm(r)
	}
	return it
}

// readForm reads the optional form_fields of an item record.
func readForm(r *record) []FormField {
	fields := r.objects("form_fields", false, formFieldFields)
	out := []FormField{}
	for _, f := range fields {
		ff := FormField{Name: f.str("name", true), LabelZH: f.str("label_zh", true), LabelEN: f.str("label_en", false),
			Type: FieldType(f.str("type", true)), Required: f.boolean("required", false), MaxLength: f.integer("max_length", false)}
		opts := f.objects("options", false, optionFields)
		for _, o := range opts {
			ff.Options = append(ff.Options, FieldOption{Value: o.str("value", true), LabelZH: o.str("label_zh", true),
				LabelEN: o.str("label_en", false)})
		}
		f.absorb("options", opts)
		out = append(out, ff)
	}
	r.absorb("form_fields", fields)
	return out
}

// check validates a read item, turns theme names into codes and reports
// unknown departments and themes.
func (it *importedItem) check(r *record, known *knownRefs) {
	if !it.hasForm {
		it.FormFields = DefaultForm(it.Applicants)
	}
	for _, e := range it.Check() {
		r.fieldError(e)
	}
	if it.Department != "" && !known.depts[it.Department] {
		r.problem("department", r.keys["department"], "import.unknown_department",
			"引用了不存在的部门："+it.Department, "refers to an unknown department: "+it.Department)
	}
	codes := make([]string, 0, len(it.Themes))
	seen := map[string]bool{}
	for i, name := range it.Themes {
		code, ok := known.themeCodes[name]
		field := fmt.Sprintf("themes[%d]", i)
		switch {
		case !ok:
			r.problem(field, r.keys["themes"], "import.unknown_theme", "引用了不存在的主题："+name, "refers to an unknown theme: "+name)
		case seen[code]:
			r.problem(field, r.keys["themes"], "import.duplicate_theme", "主题重复："+name, "lists a theme twice: "+name)
		default:
			seen[code] = true
			codes = append(codes, code)
		}
	}
	it.Themes = codes
}

// writeImport writes the checked input in one transaction, counting
// what it creates, updates and leaves alone.
func (s *Service) writeImport(ctx context.Context, in *importInput, rep *ImportReport, progress func(done, total int)) error {
	total := len(in.depts) + len(in.themes) + len(in.items)
	done := 0
	step := func() {
		done++
		if progress != nil {
			progress(done, total)
		}
	}
	return s.store.InTx(ctx, func(tx Store) error {
		*rep = ImportReport{}
		if _, err := tx.BumpRevision(ctx); err != nil {
			return err
		}
		now := s.now().UTC()
		if err := importDepartments(ctx, tx, in.depts, now, &rep.Departments, step); err != nil {
			return err
		}
		if err := importThemes(ctx, tx, in.themes, now, &rep.Themes, step); err != nil {
			return err
		}
		stored, _, err := tx.FindItems(ctx, ItemFilter{})
		if err != nil {
			return err
		}
		byCode := map[string]*Item{}
		for _, it := range stored {
			byCode[it.Code] = it
		}
		for _, it := range in.items {
			if err := s.importItem(ctx, tx, it, byCode[it.Code], now, &rep.Items); err != nil {
				return err
			}
			delete(byCode, it.Code)
			step()
		}
		rep.Kept = len(byCode)
		if !rep.Changed() {
			return errUnchanged // roll back the revision bump
		}
		return nil
	})
}

func importDepartments(ctx context.Context, tx Store, list []*Department, now time.Time, n *ImportCounts, step func()) error {
	for _, d := range list {
		cur, err := tx.FindDepartment(ctx, d.Code)
		switch {
		case err == nil && cur.Name == d.Name && cur.ShortName == d.ShortName && cur.Division == d.Division:
			n.Unchanged++
		case err == nil || errs.Is(err, errs.NotFound):
			if err == nil {
				n.Updated++
				d.CreatedAt = cur.CreatedAt
			} else {
				n.Created++
				d.CreatedAt = now
			}
			if err := tx.UpsertDepartment(ctx, d); err != nil {
				return err
			}
		default:
			return err
		}
		step()
	}
	return nil
}

func importThemes(ctx context.Context, tx Store, list []*Theme, now time.Time, n *ImportCounts, step func()) error {
	for _, t := range list {
		cur, err := tx.FindTheme(ctx, t.Code)
		switch {
		case err == nil && cur.Name == t.Name && cur.Description == t.Description && cur.Audience == t.Audience:
			n.Unchanged++
		case err == nil || errs.Is(err, errs.NotFound):
			if err == nil {
				n.Updated++
				t.CreatedAt = cur.CreatedAt
			} else {
				n.Created++
				t.CreatedAt = now
			}
			t.UpdatedAt = now
			if err := tx.UpsertTheme(ctx, t); err != nil {
				return err
			}
		default:
			return err
		}
		step()
	}
	return nil
}

// importItem creates the item, or updates the stored one cur when the
// file changes it; a record without form_fields keeps cur's form.
func (s *Service) importItem(ctx context.Context, tx Store, in *importedItem, cur *Item, now time.Time, n *ImportCounts) error {
	next := in.Item.Clone()
	if cur == nil {
		next.Version, next.CreatedAt, next.UpdatedAt = 1, now, now
		if err := tx.CreateItem(ctx, next); err != nil {
			return err
		}
		n.Created++
		return tx.AddChange(ctx, &Change{ID: ids.New(), ItemCode: next.Code, Version: 1, At: now,
			ActorName: systemActor, Source: ChangeImport, Fields: diffItems(nil, next)})
	}
	if !in.hasForm {
		next.FormFields = cur.FormFields
	}
	fields := diffItems(cur, next)
	if len(fields) == 0 {
		n.Unchanged++
		return nil
	}
	next.Version, next.CreatedAt, next.UpdatedAt = cur.Version+1, cur.CreatedAt, now
	if err := tx.UpdateItem(ctx, next); err != nil {
		return err
	}
	n.Updated++
	return tx.AddChange(ctx, &Change{ID: ids.New(), ItemCode: next.Code, Version: next.Version, At: now,
		ActorName: systemActor, Source: ChangeImport, Fields: fields})
}

// systemActor is the name recorded for changes made by the system.
const systemActor = "系统导入"
