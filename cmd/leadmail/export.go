package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/leadmail/leadmail/store"
)

// exportColumns are the fixed columns of a CSV export; custom fields follow
// as custom.KEY, sorted. The importer maps every one of them back.
var exportColumns = []string{"first_name", "last_name", "email", "phone", "company",
	"title", "city", "country", "kind", "status", "owner"}

func newExportCmd(g *globals) *cobra.Command {
	var format, search, kind string
	var raw bool
	cmd := &cobra.Command{
		Use:   "export FILE|-",
		Short: "Export contacts with all their fields and custom fields to CSV or vCard",
		Long: `export writes the contacts matching --search and --kind to FILE (- for
standard output) as CSV (one custom.KEY column per custom field) or vCard 4.0.
"leadmail import" reads both back.

A CSV cell that starts with =, +, -, @, a tab or a carriage return is written
with a ' in front, as OWASP recommends against CSV injection: a spreadsheet
shows it as text instead of running it as a formula, and "leadmail import"
drops the ' again. --raw writes such cells as they are. FILE is created with
mode 0600 (it holds people's data) and never written through a symlink.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) (err error) {
			k := store.Kind(kind)
			if kind != "" && !k.Valid() {
				return fmt.Errorf("--kind %q must be lead or contact", kind)
			}
			if format != "csv" && format != "vcard" {
				return fmt.Errorf("--format %q must be csv or vcard", format)
			}
			a, err := openApp(cmd.Context(), g)
			if err != nil {
				return err
			}
			defer a.Close()
			w := rawOut(cmd)
			if args[0] != "-" {
				f, err := createPrivateFile(args[0], os.O_TRUNC)
				if err != nil {
					return fmt.Errorf("export: %w", err)
				}
				defer func() {
					if cerr := f.Close(); err == nil && cerr != nil {
						err = fmt.Errorf("export: %w", cerr)
					}
				}()
				w = f
			}
			bw := bufio.NewWriter(w)
			n, err := exportContacts(cmd.Context(), a.st, store.ContactFilter{Kind: k, Search: search}, format, raw, bw)
			if err != nil {
				return fmt.Errorf("export: %w", err)
			}
			if err := bw.Flush(); err != nil {
				return fmt.Errorf("export: %w", err)
			}
			if args[0] != "-" {
				fmt.Fprintf(cmd.ErrOrStderr(), "Exported %d contacts to %s\n", n, args[0])
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "csv", "csv or vcard")
	cmd.Flags().StringVar(&search, "search", "", "only contacts matching this search")
	cmd.Flags().StringVar(&kind, "kind", "", "lead or contact (default both)")
	cmd.Flags().BoolVar(&raw, "raw", false, "write CSV cells that start with = + - @ as they are, without the ' that keeps spreadsheets from running them")
	return cmd
}

// eachContact calls fn for every contact matching f, a page at a time.
func eachContact(ctx context.Context, db contactLister, f store.ContactFilter, fn func(store.Contact) error) error {
	req := store.PageRequest{Filter: f, Limit: 1000}
	for {
		page, err := db.ListContacts(ctx, req)
		if err != nil {
			return err
		}
		for _, c := range page.Contacts {
			if err := fn(c); err != nil {
				return err
			}
		}
		if !page.HasNext {
			return nil
		}
		last := page.Last
		req.After = &last
	}
}

// createPrivateFile creates the file at path for writing, mode 0600, with
// flag os.O_EXCL (refuse an existing file) or os.O_TRUNC (replace its
// content, the mode made 0600). A symlink at path is refused, never
// followed.
func createPrivateFile(path string, flag int) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|syscall.O_NOFOLLOW|flag, 0o600)
	if errors.Is(err, syscall.ELOOP) {
		return nil, fmt.Errorf("%s is a symbolic link: leadmail does not write through one", path)
	}
	if err != nil {
		return nil, err
	}
	if err := f.Chmod(0o600); err != nil {
		_ = f.Close()
		return nil, err
	}
	return f, nil
}

// spreadsheetSafe is s with a ' in front if it starts with a character that
// makes a spreadsheet take a cell for a formula (=, +, -, @, tab, carriage
// return): OWASP's defence against CSV injection. The importer drops it.
func spreadsheetSafe(s string) string {
	if s != "" && strings.IndexByte("=+-@\t\r", s[0]) >= 0 {
		return "'" + s
	}
	return s
}

func exportContacts(ctx context.Context, db contactLister, f store.ContactFilter, format string, raw bool, w io.Writer) (int, error) {
	users, err := db.ListUsers(ctx)
	if err != nil {
		return 0, err
	}
	owners := map[int64]string{}
	for _, u := range users {
		owners[u.ID] = u.Email
	}
	n := 0
	if format == "vcard" {
		err := eachContact(ctx, db, f, func(c store.Contact) error {
			n++
			return writeVCard(w, c, owners[c.OwnerID])
		})
		return n, err
	}
	// A first pass finds the custom fields, so the header is complete
	// without holding every contact in memory.
	keys := map[string]bool{}
	if err := eachContact(ctx, db, f, func(c store.Contact) error {
		for k := range c.Custom {
			keys[k] = true
		}
		return nil
	}); err != nil {
		return 0, err
	}
	custom := slices.Sorted(maps.Keys(keys))
	cw := csv.NewWriter(w)
	head := slices.Clone(exportColumns)
	for _, k := range custom {
		head = append(head, "custom."+k)
	}
	if err := cw.Write(head); err != nil {
		return 0, err
	}
	err = eachContact(ctx, db, f, func(c store.Contact) error {
		n++
		rec := []string{c.FirstName, c.LastName, c.Email, c.Phone, c.Company, c.Title,
			c.City, c.Country, string(c.Kind), string(c.Status), owners[c.OwnerID]}
		for _, k := range custom {
			rec = append(rec, c.Custom[k])
		}
		if !raw {
			for i := range rec {
				rec[i] = spreadsheetSafe(rec[i])
			}
		}
		return cw.Write(rec)
	})
	cw.Flush()
	if err == nil {
		err = cw.Error()
	}
	return n, err
}

// vcardEscape escapes a vCard text value (RFC 6350 3.4).
func vcardEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, ",", `\,`, ";", `\;`, "\r\n", `\n`, "\n", `\n`).Replace(s)
}

func writeVCard(w io.Writer, c store.Contact, owner string) error {
	var b strings.Builder
	line := func(name, value string) {
		if value != "" {
			b.WriteString(name + ":" + value + "\r\n")
		}
	}
	e := vcardEscape
	b.WriteString("BEGIN:VCARD\r\nVERSION:4.0\r\n")
	b.WriteString("FN:" + e(c.Name()) + "\r\n")
	b.WriteString("N:" + e(c.LastName) + ";" + e(c.FirstName) + ";;;\r\n")
	line("EMAIL", e(c.Email))
	line("TEL", e(c.Phone))
	line("ORG", e(c.Company))
	line("TITLE", e(c.Title))
	if c.City != "" || c.Country != "" {
		b.WriteString("ADR:;;;" + e(c.City) + ";;;" + e(c.Country) + "\r\n")
	}
	line("X-LEADMAIL-KIND", string(c.Kind))
	line("X-LEADMAIL-STATUS", string(c.Status))
	line("X-LEADMAIL-OWNER", e(owner))
	for _, k := range slices.Sorted(maps.Keys(c.Custom)) {
		line(`X-LEADMAIL-CUSTOM;KEY="`+strings.ReplaceAll(k, `"`, "")+`"`, e(c.Custom[k]))
	}
	b.WriteString("END:VCARD\r\n")
	_, err := io.WriteString(w, b.String())
	return err
}
