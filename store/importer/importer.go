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
	"unicode"

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
	// Warnings are sentences about the file as a whole, such as two
	// columns that import as one field.
	Warnings []string
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
// typed on a Mac and on Windows are the same name. It drops control
// characters other than tab and line feed, which would reach a terminal
// raw, and the ' that an export puts before a cell a spreadsheet would take
// for a formula (see `leadmail export`).
func clean(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 1 && s[0] == '\'' && strings.IndexByte(formulaStart, s[1]) >= 0 {
		s = strings.TrimSpace(s[1:])
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	if hasControl(s) {
		s = strings.Map(func(r rune) rune {
			if r != '\t' && r != '\n' && unicode.IsControl(r) {
				return -1
			}
			return r
		}, s)
	}
	return norm.NFC.String(s)
}

// formulaStart are the first characters that make a spreadsheet run a
// cell as a formula (OWASP, CSV injection).
const formulaStart = "=+-@\t\r"

// hasControl reports whether s, valid UTF-8, has a control character
// other than tab and line feed: C0, DEL or C1 (U+0080–U+009F, whose
// encoding starts with 0xC2). A byte scan, as clean runs on every field.
func hasControl(s string) bool {
	for i := 0; i < len(s); i++ {
		switch b := s[i]; {
		case b == '\t' || b == '\n':
		case b < 0x20 || b == 0x7F:
			return true
		case b == 0xC2 && i+1 < len(s) && s[i+1] < 0xA0:
			return true
		}
	}
	return false
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
// The reasons quote the value as the file has it, brackets and all.
func cleanEmail(s string) (string, error) {
	orig := strings.TrimSpace(s)
	s = orig
	if strings.HasPrefix(s, "<") && strings.HasSuffix(s, ">") {
		s = s[1 : len(s)-1]
	}
	if len(s) > 7 && strings.EqualFold(s[:7], "mailto:") {
		s = s[7:]
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return "", fmt.Errorf("invalid email %q", orig)
	}
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || !strings.Contains(s[at+1:], ".") || strings.HasSuffix(s, ".") {
		return "", fmt.Errorf("invalid email %q: no domain", orig)
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
