package main

import (
	"context"
	"fmt"
	"runtime/debug"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/store/importer"
	"github.com/leadmail/leadmail/store/scope"
	"github.com/leadmail/leadmail/tui"
	importscreen "github.com/leadmail/leadmail/tui/screens/importer"
)

// tuiImporter is the TUI's tui.Importer: `leadmail import FILE` with the
// choices of the Import screen's preview in place of the flags.
type tuiImporter struct {
	db *store.DB
	// me is the user running leadmail, the owner the preview starts on;
	// 0 takes the only user if there is one.
	me int64
	// st, when set, is the store scoped to me: what my role lets an
	// import do (a Jr. Salesperson adds only new contacts, their own).
	st *scope.Store
}

// Preview implements tui.Importer: importer.Peek, so it reads the header
// and the first rows only, plus the users who can own the contacts.
func (t tuiImporter) Preview(ctx context.Context, path string) (tui.ImportPreview, error) {
	in, _, err := openUserFile(path)
	if err != nil {
		return tui.ImportPreview{}, fmt.Errorf("import: %w", err)
	}
	pv, err := importer.Peek(ctxReader{ctx: ctx, r: in}, importer.Options{})
	_ = in.Close() // read-only
	if err != nil {
		return tui.ImportPreview{}, fmt.Errorf("import %s: %w", path, err)
	}
	p := tui.ImportPreview{File: path, Format: string(pv.Format), Source: pv.Source, Rows: pv.Rows,
		Warnings: pv.Warnings, Me: t.me}
	for i, name := range pv.Header {
		p.Columns = append(p.Columns, importscreen.Column{Name: name, Field: pv.Fields[i],
			Custom: pv.Custom[i], Sample: pv.Samples[i]})
	}
	users, err := t.db.ListUsers(ctx)
	if err != nil {
		return tui.ImportPreview{}, fmt.Errorf("preview %s: list users: %w", path, err)
	}
	for _, u := range users {
		p.Users = append(p.Users, importscreen.User{ID: u.ID, Name: u.Name, Email: u.Email})
	}
	if p.Me == 0 && len(users) == 1 {
		p.Me = users[0].ID
	}
	return p, nil
}

// Import implements tui.Importer.
func (t tuiImporter) Import(ctx context.Context, path string, opts tui.ImportOptions,
	progress func(importscreen.Progress)) (tui.ImportReport, error) {
	o, err := tuiImportOptions(opts)
	if err != nil {
		return tui.ImportReport{}, err
	}
	if t.st != nil {
		if o.ownerID, err = t.st.ImportOwner(o.onDup, o.ownerID); err != nil {
			return tui.ImportReport{}, err
		}
	}
	in, err := openImportFile(ctx, path, o)
	if err != nil {
		return tui.ImportReport{}, err
	}
	defer in.close()
	var report func(store.ImportProgress)
	if progress != nil {
		report = func(p store.ImportProgress) {
			progress(importscreen.Progress{Stage: string(p.Stage), Done: p.Done, Total: p.Total})
		}
	}
	rep, err := applyImport(ctx, t.db, in, o, report)
	// The batches and the emails of a large file took tens of megabytes
	// that the TUI, which goes on running, has no more use for: give them
	// back to the system now.
	debug.FreeOSMemory()
	if err != nil {
		return tui.ImportReport{}, err
	}
	out := tui.ImportReport{File: rep.File, Format: string(rep.Format), Source: rep.Source, DryRun: rep.DryRun,
		Read: rep.Read, Created: rep.Created, Updated: rep.Updated, SkippedDuplicates: rep.SkippedDuplicates,
		NoEmail: rep.NoEmail, RejectedFile: rep.RejectedFile, UnknownOwners: rep.UnknownOwners,
		Warnings: rep.Warnings}
	for _, r := range rep.Invalid {
		out.Invalid = append(out.Invalid, importscreen.Rejected{Line: r.Line, Reason: r.Reason})
	}
	for _, r := range rep.Skipped {
		out.Skipped = append(out.Skipped, importscreen.Rejected{Line: r.Line, Reason: r.Reason})
	}
	return out, nil
}

// tuiImportOptions checks the screen's choices as runImport checks the
// flags.
func tuiImportOptions(opts tui.ImportOptions) (importOptions, error) {
	o := importOptions{format: importer.FormatAuto, kind: store.Kind(opts.Kind), ownerID: opts.OwnerID,
		onDup: store.OnDuplicate(opts.OnDuplicate), dryRun: opts.DryRun}
	if o.kind != "" && !o.kind.Valid() {
		return importOptions{}, fmt.Errorf("import: kind %q must be lead or contact", opts.Kind)
	}
	if o.onDup == "" {
		o.onDup = store.DuplicateSkip
	}
	if !o.onDup.Valid() {
		return importOptions{}, fmt.Errorf("import: on duplicate %q must be skip or update", opts.OnDuplicate)
	}
	for col, field := range opts.Map {
		if !importer.ValidField(field) {
			return importOptions{}, fmt.Errorf("import: column %q: unknown field %q", col, field)
		}
	}
	o.maps = opts.Map
	return o, nil
}
