package main

import (
	"cmp"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/store/importer"
)

// importReport is what `leadmail import` prints (as JSON with --json).
type importReport struct {
	File              string          `json:"file"`
	Format            importer.Format `json:"format"`
	Source            string          `json:"source"`
	DryRun            bool            `json:"dry_run,omitempty"`
	Read              int             `json:"read"`
	Created           int             `json:"created"`
	Updated           int             `json:"updated"`
	SkippedDuplicates int             `json:"skipped_duplicates"`
	NoEmail           int             `json:"no_email"`
	Invalid           []rejectedRow   `json:"invalid"`
	// Skipped lists the skipped duplicates by line, the first
	// maxListedSkipped of them.
	Skipped      []rejectedRow `json:"skipped"`
	RejectedFile string        `json:"rejected_file,omitempty"`
	// Warnings are about the file as a whole: columns that import as one
	// field.
	Warnings []string `json:"warnings,omitempty"`
	// UnknownOwners counts, by the name or email in the file, the rows
	// whose owner is no user here; the value is kept as custom.owner.
	UnknownOwners map[string]int `json:"unknown_owners,omitempty"`
}

type rejectedRow struct {
	Line   int    `json:"line"`
	Reason string `json:"reason"`
}

type importFlags struct {
	format, owner, kind, onDup string
	maps                       []string
	dryRun, asJSON             bool
}

func newImportCmd(g *globals) *cobra.Command {
	var f importFlags
	cmd := &cobra.Command{
		Use:   "import FILE",
		Short: "Import contacts from a CSV or vCard file exported by another CRM; all or nothing",
		Long: `import reads a CSV (HubSpot, Salesforce, Google Contacts, Outlook, Pipedrive,
Thunderbird or any CSV with a header row) or a vCard file, in UTF-8, UTF-16 or
Windows-1252, and adds its people in one transaction: a failed or interrupted
import changes nothing. Columns are mapped by name; --map "Column=field"
overrides (fields: first_name, last_name, name, email, phone, company, title,
city, country, kind, status, owner, custom.KEY, or - to drop); other columns
become custom fields. People whose email is already known are skipped, or
updated with --on-duplicate update. Rows with a bad email are listed, with
their line, and written to FILE.rejected.csv.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runImport(cmd, g, args[0], f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.format, "format", "auto", "auto, csv or vcard")
	fl.BoolVar(&f.dryRun, "dry-run", false, "report what would happen; write nothing")
	fl.StringVar(&f.owner, "owner", "", "assign the imported people to this user (email)")
	fl.StringVar(&f.kind, "kind", "", "lead or contact (default: the file's kind column, else lead)")
	fl.StringVar(&f.onDup, "on-duplicate", "skip", "skip or update people whose email is already known")
	fl.StringArrayVar(&f.maps, "map", nil, `map a column to a field, "Column=field" (repeatable)`)
	fl.BoolVar(&f.asJSON, "json", false, "print the report as JSON")
	return cmd
}

func runImport(cmd *cobra.Command, g *globals, path string, f importFlags) error {
	ctx := cmd.Context()
	kind := store.Kind(f.kind)
	if f.kind != "" && !kind.Valid() {
		return fmt.Errorf("--kind %q must be lead or contact", f.kind)
	}
	onDup := store.OnDuplicate(f.onDup)
	if !onDup.Valid() {
		return fmt.Errorf("--on-duplicate %q must be skip or update", f.onDup)
	}
	format := importer.Format(f.format)
	if format != importer.FormatAuto && format != importer.FormatCSV && format != importer.FormatVCard {
		return fmt.Errorf("--format %q must be auto, csv or vcard", f.format)
	}
	m := map[string]string{}
	for _, kv := range f.maps {
		col, field, ok := strings.Cut(kv, "=")
		if !ok || strings.TrimSpace(col) == "" || !importer.ValidField(strings.TrimSpace(field)) {
			return fmt.Errorf("--map %q: want Column=field, field one of first_name, last_name, name, email, phone, company, title, city, country, kind, status, owner, custom.KEY or -", kv)
		}
		m[col] = field
	}
	o := importOptions{format: format, maps: m, kind: kind, onDup: onDup, dryRun: f.dryRun}
	in, err := openImportFile(ctx, path, o)
	if err != nil {
		return err
	}
	defer in.close()
	a, err := openApp(ctx, g)
	if err != nil {
		return err
	}
	defer a.Close()
	if f.owner != "" {
		u, err := a.st.UserByEmail(ctx, f.owner)
		if err != nil {
			return fmt.Errorf("--owner %s: %w", f.owner, err)
		}
		o.ownerID = u.ID
	}
	if o.ownerID, err = a.st.ImportOwner(o.onDup, o.ownerID); err != nil {
		return err
	}
	rep, err := applyImport(ctx, a.db, in, o, importProgress(cmd.ErrOrStderr()))
	if err != nil {
		return err
	}
	if f.asJSON {
		return writeJSON(cmd.OutOrStdout(), rep)
	}
	return printImportReport(cmd.OutOrStdout(), rep)
}

// importOptions are the choices of one import, flags already checked.
type importOptions struct {
	format  importer.Format
	maps    map[string]string
	kind    store.Kind // "" keeps the file's kind, else lead
	ownerID int64      // 0 takes the file's owner column
	onDup   store.OnDuplicate
	dryRun  bool
}

// applyImport reads the rows of in and writes them to db in one
// transaction as they come, then, unless it is a dry run, the invalid rows
// to PATH.rejected.csv. It is shared by `leadmail import` and the TUI's
// Import screen; progress may be nil.
func applyImport(ctx context.Context, db *store.DB, in *importFile, o importOptions,
	progress func(store.ImportProgress)) (importReport, error) {
	path := in.path
	owners, err := ownerIndex(ctx, db)
	if err != nil {
		return importReport{}, err
	}
	m := rowMapper{o: o, owners: owners}
	if o.onDup == store.DuplicateUpdate && o.ownerID == 0 {
		m.firstOwner, m.intern = map[int]string{}, map[string]string{}
	}
	var (
		res             *importer.Result
		readErr, addErr error
		rejected        string // the rejected-rows file written, removed if the import fails
	)
	var (
		cur     *importer.Row // the row being added
		skipped = []rejectedRow{}
	)
	onSkip := func(reason string) {
		if len(skipped) < maxListedSkipped {
			skipped = append(skipped, rejectedRow{Line: cur.Line, Reason: cmp.Or(cur.Reason, reason)})
		}
	}
	sr, err := db.ImportContactsFrom(ctx, in.expected, store.ImportOptions{OnDuplicate: o.onDup,
		Source: filepath.Base(path), DryRun: o.dryRun, Progress: progress, Skipped: onSkip},
		func(add func(*store.Contact, bool) error) error {
			res, readErr = in.rd.Each(func(row importer.Row, dupOf int) error {
				cur = &row
				c := m.contact(row, dupOf)
				if addErr = add(&c, dupOf != 0); addErr != nil {
					return addErr
				}
				return nil
			})
			if readErr != nil || o.dryRun || len(res.Invalid) == 0 {
				return readErr
			}
			// Written before the commit: if it cannot be, nothing is
			// imported, and the failure says so.
			rejected, addErr = writeRejected(path, res)
			return addErr
		})
	if err != nil {
		if rejected != "" {
			_ = os.Remove(rejected) // rows of an import that did not happen
		}
		if readErr != nil && addErr == nil && ctx.Err() == nil {
			return importReport{}, fmt.Errorf("import %s: %w", path, readErr)
		}
		return importReport{}, fmt.Errorf("import %s, nothing written: %w", path, err)
	}
	rep := importReport{File: path, Format: res.Format, Source: res.Source, DryRun: o.dryRun,
		Read: res.Read, Created: sr.Created, Updated: sr.Updated, SkippedDuplicates: sr.Skipped,
		NoEmail: m.noEmail, Invalid: []rejectedRow{}, Skipped: skipped, RejectedFile: rejected,
		Warnings: res.Warnings}
	for name, n := range m.unknown {
		if n > 0 {
			if rep.UnknownOwners == nil {
				rep.UnknownOwners = map[string]int{}
			}
			rep.UnknownOwners[name] = n
		}
	}
	for _, row := range res.Invalid {
		rep.Invalid = append(rep.Invalid, rejectedRow{Line: row.Line, Reason: row.Reason})
	}
	return rep, nil
}

// maxListedSkipped bounds the skipped duplicates an import report lists
// by line: a file imported twice skips all its rows.
const maxListedSkipped = 1000

// rowMapper turns the rows of a file into contacts: kind, owner, and an
// owner who is no user kept as custom.owner.
type rowMapper struct {
	o       importOptions
	owners  map[string]int64 // see ownerIndex
	noEmail int
	unknown map[string]int // rows by unknown owner
	// Under DuplicateUpdate a duplicate's owner replaces its first row's,
	// as if the rows were merged first: firstOwner is the owner so far of
	// each first row that has one, by line, the names interned.
	firstOwner map[int]string
	intern     map[string]string
}

// contact maps row, a duplicate of line dupOf if that is not 0.
func (m *rowMapper) contact(row importer.Row, dupOf int) store.Contact {
	c := row.Contact
	switch {
	case m.o.kind != "":
		c.Kind = m.o.kind
	case c.Kind == "":
		c.Kind = store.KindLead
	}
	c.OwnerID = m.o.ownerID
	if row.NoEmail {
		m.noEmail++
	}
	if m.o.ownerID != 0 || row.Owner == "" {
		return c
	}
	if dupOf != 0 {
		if m.firstOwner == nil {
			return c // skipped
		}
		if prev := m.firstOwner[dupOf]; prev != "" && m.owners[strings.ToLower(prev)] == 0 {
			m.unknown[prev]-- // replaced by this row's
		}
		m.firstOwner[dupOf] = m.interned(row.Owner)
	} else if m.firstOwner != nil {
		m.firstOwner[row.Line] = m.interned(row.Owner)
	}
	if c.OwnerID = m.owners[strings.ToLower(row.Owner)]; c.OwnerID == 0 {
		if m.unknown == nil {
			m.unknown = map[string]int{}
		}
		m.unknown[row.Owner]++
		if _, ok := c.Custom["owner"]; !ok {
			c.Custom = maps.Clone(c.Custom)
			if c.Custom == nil {
				c.Custom = map[string]string{}
			}
			c.Custom["owner"] = row.Owner
		}
	}
	return c
}

// interned is s, the one copy of it kept: a row's values share the memory
// of its whole line.
func (m *rowMapper) interned(s string) string {
	if v, ok := m.intern[s]; ok {
		return v
	}
	s = strings.Clone(s)
	m.intern[s] = s
	return s
}

// ownerIndex maps each user's email and name, lower-cased, to their id,
// for the owner column of an import: CRMs export the owner's name
// (HubSpot, Salesforce) or email. A name two users share maps to neither.
func ownerIndex(ctx context.Context, db *store.DB) (map[string]int64, error) {
	users, err := db.ListUsers(ctx)
	if err != nil {
		return nil, fmt.Errorf("import: users: %w", err)
	}
	idx := make(map[string]int64, 2*len(users))
	shared := map[string]bool{}
	for _, u := range users {
		idx[strings.ToLower(u.Email)] = u.ID
		name := strings.ToLower(strings.TrimSpace(u.Name))
		if name == "" {
			continue
		}
		if _, dup := idx[name]; dup {
			shared[name] = true
		}
		idx[name] = u.ID
	}
	for name := range shared {
		delete(idx, name)
	}
	return idx, nil
}

// importProgress writes an import's progress to w on one line rewritten
// in place, at most four times a second and at each new stage; the line is
// cleared when the import saves.
func importProgress(w io.Writer) func(store.ImportProgress) {
	var (
		last  time.Time
		stage store.ImportStage
	)
	return func(p store.ImportProgress) {
		now := time.Now()
		if p.Stage == stage && now.Sub(last) < 250*time.Millisecond && p.Done < p.Total {
			return // the last count of a stage is always shown
		}
		last, stage = now, p.Stage
		switch p.Stage {
		case store.StageInsert:
			fmt.Fprintf(w, "\r\033[K%s %d of %d contacts…", p.Stage, p.Done, p.Total)
		case store.StageIndex:
			fmt.Fprint(w, "\r\033[Kbuilding the indexes for sorting and search…")
		default:
			fmt.Fprint(w, "\r\033[K")
		}
	}
}

func printImportReport(w io.Writer, r importReport) error {
	verb := "Imported"
	if r.DryRun {
		verb = "Dry run (nothing written):"
	}
	fmt.Fprintf(w, "%s %s (%s, %s)\n", verb, r.File, r.Format, r.Source)
	fmt.Fprintf(w, "  read               %d\n", r.Read)
	fmt.Fprintf(w, "  created            %d\n", r.Created)
	fmt.Fprintf(w, "  updated            %d\n", r.Updated)
	fmt.Fprintf(w, "  skipped duplicates %d\n", r.SkippedDuplicates)
	fmt.Fprintf(w, "  without email      %d\n", r.NoEmail)
	fmt.Fprintf(w, "  invalid            %d\n", len(r.Invalid))
	for _, row := range r.Invalid {
		fmt.Fprintf(w, "    line %d: %s\n", row.Line, row.Reason)
	}
	if r.SkippedDuplicates > 0 {
		fmt.Fprintln(w, "  skipped:")
		for _, row := range r.Skipped {
			fmt.Fprintf(w, "    line %d: %s\n", row.Line, row.Reason)
		}
		if more := r.SkippedDuplicates - len(r.Skipped); more > 0 {
			fmt.Fprintf(w, "    and %d more\n", more)
		}
	}
	for _, warning := range r.Warnings {
		fmt.Fprintf(w, "  note: %s\n", warning)
	}
	for _, name := range slices.Sorted(maps.Keys(r.UnknownOwners)) {
		fmt.Fprintf(w, "  owner %q is no user here: %d rows left unassigned, the name kept as custom.owner\n",
			name, r.UnknownOwners[name])
	}
	if r.RejectedFile != "" {
		fmt.Fprintf(w, "Rejected rows written to %s", r.RejectedFile)
		if first := r.File + ".rejected.csv"; r.RejectedFile != first {
			fmt.Fprintf(w, " (%s already exists and was left as it was)", first)
		}
		fmt.Fprintln(w)
	}
	return nil
}

// writeRejected writes the invalid rows of the file at path, as read,
// after their line and reason, so they can be fixed and imported again,
// to a new file beside it: PATH.rejected.csv, or PATH.rejected-2.csv and
// on when that exists (an earlier import's is never overwritten), created
// 0600 and never through a symlink. Cells a spreadsheet would run as a
// formula are escaped (see spreadsheetSafe); the import reads them back
// unescaped. It returns the file's name.
func writeRejected(path string, res *importer.Result) (name string, err error) {
	out, name, err := createRejectedFile(path)
	if err != nil {
		return "", err
	}
	defer func() {
		if cerr := out.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("rejected rows: %w", cerr)
		}
		if err != nil {
			_ = os.Remove(name)
			name = ""
		}
	}()
	w := csv.NewWriter(out)
	safe := func(rec []string) []string {
		for i := range rec {
			rec[i] = spreadsheetSafe(rec[i])
		}
		return rec
	}
	_ = w.Write(safe(append([]string{"line", "reason"}, res.Header...)))
	for _, row := range res.Invalid {
		_ = w.Write(safe(append([]string{strconv.Itoa(row.Line), row.Reason}, row.Raw...)))
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return name, fmt.Errorf("rejected rows: %w", err)
	}
	return name, nil
}

// createRejectedFile creates the first of PATH.rejected.csv,
// PATH.rejected-2.csv, ... that does not exist yet.
func createRejectedFile(path string) (*os.File, string, error) {
	for i := 1; i <= 1000; i++ {
		name := path + ".rejected.csv"
		if i > 1 {
			name = fmt.Sprintf("%s.rejected-%d.csv", path, i)
		}
		f, err := createPrivateFile(name, os.O_EXCL)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return nil, "", fmt.Errorf("rejected rows: %w", err)
		}
		return f, name, nil
	}
	return nil, "", fmt.Errorf("rejected rows: %s.rejected.csv to -1000.csv all exist: move them away", path)
}
