// Package importer reads contact files exported by other CRMs and address
// books (CSV and vCard) into store.Contact values, without touching the
// database: it detects the format, the character encoding and the exporting
// application, maps columns to fields, and sorts rows into contacts,
// duplicates within the file and rejected rows with their line numbers.
// Writing them is store.DB.ImportContacts's job.
package importer

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"slices"
	"strings"

	"golang.org/x/text/unicode/norm"

	"github.com/leadmail/leadmail/store"
)

// Format is a contact file format.
type Format string

// The formats Read understands.
const (
	FormatAuto  Format = "auto"
	FormatCSV   Format = "csv"
	FormatVCard Format = "vcard"
)

// Options tunes Read. The zero value detects everything.
type Options struct {
	// Format forces a format; "" or FormatAuto detects it.
	Format Format
	// Map maps a column header (compared case-insensitively) to a field:
	// first_name, last_name, name, email, phone, company, title, city,
	// country, kind, status, owner, custom.KEY, or "-" to drop the column.
	// It wins over the detected mapping.
	Map map[string]string
	// MergeDuplicates copies the non-empty fields of a later row with an
	// email already seen onto the first one; otherwise the later row is only
	// counted as a duplicate.
	MergeDuplicates bool
}

// Row is one record of the file.
type Row struct {
	// Line is the 1-based line where the record starts.
	Line    int
	Contact store.Contact
	// Owner is the owner's email as written in the file, if any.
	Owner string
	// NoEmail flags a contact kept without an email address.
	NoEmail bool
	// Reason says why a row was rejected or is a duplicate.
	Reason string
	// Raw is the record as read, for the rejected-rows file; only Invalid
	// rows keep it.
	Raw []string
}

// Result is what Read found in a file.
type Result struct {
	Format Format
	// Source is the application the file was recognised as coming from
	// (hubspot, salesforce, google, google-legacy, outlook, pipedrive,
	// thunderbird, leadmail) or "generic".
	Source string
	// Header is the CSV header row (for vCard: the columns of Raw).
	Header []string
	// Read counts the records read, blank ones and report footers excluded.
	Read int
	// Contacts are the rows to import, in file order.
	Contacts []Row
	// Duplicates repeat, case-insensitively, the email of an earlier row.
	Duplicates []Row
	// Invalid rows are rejected, each with its Reason.
	Invalid []Row
}

// ErrFormat means the input is not a contact file Read understands.
var ErrFormat = errors.New("not a CSV or vCard contact file")

// Read reads a whole contact file from r: Open and Reader.Each, the rows
// kept in the Result, a duplicate merged into its first row if
// opts.MergeDuplicates.
func Read(r io.Reader, opts Options) (*Result, error) {
	rd, err := Open(r, opts)
	if err != nil {
		return nil, err
	}
	var contacts, dups []Row
	res, err := rd.Each(func(row Row, dupOf int) error {
		if dupOf == 0 {
			contacts = append(contacts, row)
			return nil
		}
		if opts.MergeDuplicates {
			// Contacts are in file order: found by the line.
			i, _ := slices.BinarySearchFunc(contacts, dupOf, func(r Row, line int) int { return cmp.Compare(r.Line, line) })
			mergeInto(&contacts[i], row)
		}
		dups = append(dups, row)
		return nil
	})
	if err != nil {
		return nil, err
	}
	res.Contacts, res.Duplicates = contacts, dups
	return res, nil
}

func detect(text string) Format {
	head := strings.TrimLeft(text, " \t\r\n")
	if len(head) >= 11 && strings.EqualFold(head[:11], "BEGIN:VCARD") {
		return FormatVCard
	}
	return FormatCSV
}

// clean trims s, replaces invalid UTF-8 (a UTF-8 BOM before Windows-1252
// text, a bad quoted-printable value) and normalises it to NFC, so that "é"
// typed on a Mac and on Windows are the same name.
func clean(s string) string {
	return norm.NFC.String(strings.ToValidUTF8(strings.TrimSpace(s), "\uFFFD"))
}

func mergeInto(dst *Row, src Row) {
	d, s := &dst.Contact, src.Contact
	for _, p := range [][2]*string{{&d.FirstName, &s.FirstName}, {&d.LastName, &s.LastName},
		{&d.Phone, &s.Phone}, {&d.Company, &s.Company}, {&d.Title, &s.Title},
		{&d.City, &s.City}, {&d.Country, &s.Country}, {&dst.Owner, &src.Owner}} {
		if *p[1] != "" {
			*p[0] = *p[1]
		}
	}
	for k, v := range s.Custom {
		if d.Custom == nil {
			d.Custom = map[string]string{}
		}
		d.Custom[k] = v
	}
}

// cleanEmail returns the bare address in s (a "mailto:" prefix or angle
// brackets are dropped) or an error saying why it is not one.
func cleanEmail(s string) (string, error) {
	s = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(s), "<"), ">")
	if len(s) > 7 && strings.EqualFold(s[:7], "mailto:") {
		s = s[7:]
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return "", fmt.Errorf("invalid email %q", s)
	}
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || !strings.Contains(s[at+1:], ".") || strings.HasSuffix(s, ".") {
		return "", fmt.Errorf("invalid email %q: no domain", s)
	}
	// Domains are case-insensitive; the local part is kept as written.
	return s[:at+1] + strings.ToLower(s[at+1:]), nil
}

// splitName splits a full name into first and last at its last space.
func splitName(full string) (first, last string) {
	full = strings.Join(strings.Fields(full), " ")
	i := strings.LastIndexByte(full, ' ')
	if i < 0 {
		return full, ""
	}
	return full[:i], full[i+1:]
}
