package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
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
	RejectedFile      string          `json:"rejected_file,omitempty"`
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
	res, err := readImportFile(path, o)
	if err != nil {
		return err
	}
	a, err := openApp(ctx, g)
	if err != nil {
		return err
	}
	defer a.Close()
	if f.owner != "" {
		u, err := a.db.UserByEmail(ctx, f.owner)
		if err != nil {
			return fmt.Errorf("--owner %s: %w", f.owner, err)
		}
		o.ownerID = u.ID
	}
	rep, err := applyImport(ctx, a.db, path, res, o, importProgress(cmd.ErrOrStderr()))
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

// readImportFile reads and sorts the rows of the contact file at path.
func readImportFile(path string, o importOptions) (*importer.Result, error) {
	in, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	res, err := importer.Read(in, importer.Options{Format: o.format, Map: o.maps, MergeDuplicates: o.onDup == store.DuplicateUpdate})
	_ = in.Close()
	if err != nil {
		return nil, fmt.Errorf("import %s: %w", path, err)
	}
	return res, nil
}

// applyImport writes res to db in one transaction and, unless it is a dry
// run, the invalid rows to path.rejected.csv; it consumes res.Contacts. It
// is shared by `leadmail import` and the TUI's Import screen; progress may
// be nil.
func applyImport(ctx context.Context, db *store.DB, path string, res *importer.Result, o importOptions,
	progress func(store.ImportProgress)) (importReport, error) {
	kind, ownerID, onDup := o.kind, o.ownerID, o.onDup
	owners, err := ownerIndex(ctx, db)
	if err != nil {
		return importReport{}, err
	}
	cs := make([]store.Contact, len(res.Contacts))
	rep := importReport{File: path, Format: res.Format, Source: res.Source, DryRun: o.dryRun,
		Read: res.Read, Invalid: []rejectedRow{}}
	for i, row := range res.Contacts {
		c := row.Contact
		switch {
		case kind != "":
			c.Kind = kind
		case c.Kind == "":
			c.Kind = store.KindLead
		}
		c.OwnerID = ownerID
		if ownerID == 0 && row.Owner != "" {
			if c.OwnerID = owners[strings.ToLower(row.Owner)]; c.OwnerID == 0 {
				if rep.UnknownOwners == nil {
					rep.UnknownOwners = map[string]int{}
				}
				rep.UnknownOwners[row.Owner]++
				if _, ok := c.Custom["owner"]; !ok {
					c.Custom = maps.Clone(c.Custom)
					if c.Custom == nil {
						c.Custom = map[string]string{}
					}
					c.Custom["owner"] = row.Owner
				}
			}
		}
		if row.NoEmail {
			rep.NoEmail++
		}
		cs[i] = c
	}
	// The rows were copied into cs: let them go before the database work.
	res.Contacts = nil
	sr, err := db.ImportContacts(ctx, cs, store.ImportOptions{OnDuplicate: onDup,
		Source: filepath.Base(path), DryRun: o.dryRun, Progress: progress})
	if err != nil {
		return importReport{}, fmt.Errorf("import %s, nothing written: %w", path, err)
	}
	rep.Created, rep.Updated, rep.SkippedDuplicates = sr.Created, sr.Updated, sr.Skipped
	if onDup == store.DuplicateUpdate {
		rep.Updated += len(res.Duplicates)
	} else {
		rep.SkippedDuplicates += len(res.Duplicates)
	}
	for _, row := range res.Invalid {
		rep.Invalid = append(rep.Invalid, rejectedRow{Line: row.Line, Reason: row.Reason})
	}
	if len(res.Invalid) > 0 && !o.dryRun {
		rep.RejectedFile = path + ".rejected.csv"
		if err := writeRejected(rep.RejectedFile, res); err != nil {
			return importReport{}, err
		}
	}
	return rep, nil
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
		if p.Stage == stage && now.Sub(last) < 250*time.Millisecond {
			return
		}
		last, stage = now, p.Stage
		switch p.Stage {
		case store.StageCheck, store.StageInsert:
			fmt.Fprintf(w, "\r\033[K%s %d of %d contacts…", p.Stage, p.Done, p.Total)
		case store.StageIndex:
			fmt.Fprint(w, "\r\033[Kbuilding the search index…")
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
	for _, name := range slices.Sorted(maps.Keys(r.UnknownOwners)) {
		fmt.Fprintf(w, "  owner %q is no user here: %d rows left unassigned, the name kept as custom.owner\n",
			name, r.UnknownOwners[name])
	}
	if r.RejectedFile != "" {
		fmt.Fprintf(w, "Rejected rows written to %s\n", r.RejectedFile)
	}
	return nil
}

// writeRejected writes the invalid rows, as read, after their line and
// reason, so they can be fixed and imported again.
func writeRejected(path string, res *importer.Result) (err error) {
	out, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("rejected rows: %w", err)
	}
	defer func() {
		if cerr := out.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("rejected rows: %w", cerr)
		}
	}()
	w := csv.NewWriter(out)
	_ = w.Write(append([]string{"line", "reason"}, res.Header...))
	for _, row := range res.Invalid {
		_ = w.Write(append([]string{strconv.Itoa(row.Line), row.Reason}, row.Raw...))
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return fmt.Errorf("rejected rows: %w", err)
	}
	return nil
}
