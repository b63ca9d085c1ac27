package importer

import "strings"

// Preview is what a contact file holds and how it would be imported.
type Preview struct {
	// File is the path read; Format is csv or vcard.
	File, Format string
	// Source is the application the file was recognised as coming from
	// (hubspot, salesforce, google, google-legacy, outlook, pipedrive,
	// thunderbird, leadmail) or generic.
	Source string
	// Rows counts the records.
	Rows int
	// Columns are the CSV's columns in file order; a vCard has none to map.
	Columns []Column
	// Users are the CRM users who can own the imported people.
	Users []User
	// Me is the user running leadmail, one of Users: the owner the
	// preview starts on when the file has no owner column. 0 if unknown.
	Me int64
	// Warnings are sentences about the file: columns that import as one
	// field, a quote that looks unbalanced.
	Warnings []string
}

// Column is one column of a CSV and the field it imports as.
type Column struct {
	// Name is the header, as written in the file.
	Name string
	// Field is what the importer chose: first_name, last_name, name, email,
	// phone, company, title, city, country, kind, status, owner,
	// custom.KEY, or "-" when the column is dropped.
	Field string
	// Custom is the custom field the column is kept in when it is not
	// mapped to a field ("custom.KEY").
	Custom string
	// Sample is the column's first non-empty value, "" if it has none.
	Sample string
}

// User is a CRM user who can own imported people.
type User struct {
	ID          int64
	Name, Email string
}

// Options are the choices of one import, as the flags of `leadmail import`.
type Options struct {
	// Map sends a column (by header) to a field, like --map; only the
	// columns the user changed are in it.
	Map map[string]string
	// Kind is "" (the file's kind column, else lead), "lead" or "contact".
	Kind string
	// OwnerID assigns everyone to that user; 0 takes the file's owner
	// column.
	OwnerID int64
	// OnDuplicate is "skip" or "update" for people whose email is known.
	OnDuplicate string
	// DryRun reports what would happen and writes nothing.
	DryRun bool
}

// fields are the targets a column cycles through, before its custom field
// and "-" (drop).
var fields = []string{"first_name", "last_name", "name", "email", "phone", "company", "title",
	"city", "country", "kind", "status", "owner"}

// The values of the choices below the columns.
var (
	kinds      = []string{"", "lead", "contact"}
	duplicates = []string{"skip", "update"}
)

// The rows below the columns, in order.
const (
	rowKind = iota
	rowOwner
	rowDuplicates
	rowDryRun
	optionRows
)

// choices is what the user picked on the preview: a field per column and
// an index into each option's values.
type choices struct {
	fields         []string
	kind, owner    int // owner 0 is "from the file", i is Users[i-1]
	onDup          int
	dryRun         bool
	cursor, offset int // the cursor over columns then option rows
}

// newChoices starts on the importer's mapping and, unless the file names
// the owners, on the user running leadmail as the owner: a salesperson's
// import is theirs, not nobody's.
func newChoices(p Preview) choices {
	c := choices{fields: make([]string, len(p.Columns))}
	ownerColumn := false
	for i, col := range p.Columns {
		c.fields[i] = col.Field
		ownerColumn = ownerColumn || col.Field == "owner"
	}
	for i, u := range p.Users {
		if u.ID == p.Me && p.Me != 0 && !ownerColumn {
			c.owner = i + 1
		}
	}
	return c
}

// sameColumns reports whether b is a, read again: same file and columns.
func sameColumns(a, b Preview) bool {
	if a.File != b.File || a.Format != b.Format || len(a.Columns) != len(b.Columns) {
		return false
	}
	for i := range a.Columns {
		if a.Columns[i] != b.Columns[i] {
			return false
		}
	}
	return true
}

// targets lists the fields column col can import as, in cycling order.
func targets(col Column) []string {
	out := append([]string(nil), fields...)
	custom := col.Custom
	if strings.HasPrefix(col.Field, "custom.") {
		custom = col.Field
	}
	if custom != "" {
		out = append(out, custom)
	}
	return append(out, "-")
}

// cycle moves row's value by delta (±1), wrapping around.
func (c *choices) cycle(p Preview, row, delta int) {
	wrap := func(i, n int) int { return ((i+delta)%n + n) % n }
	if row < len(p.Columns) {
		ts := targets(p.Columns[row])
		i := 0
		for j, t := range ts {
			if t == c.fields[row] {
				i = j
			}
		}
		c.fields[row] = ts[wrap(i, len(ts))]
		return
	}
	switch row - len(p.Columns) {
	case rowKind:
		c.kind = wrap(c.kind, len(kinds))
	case rowOwner:
		c.owner = wrap(c.owner, len(p.Users)+1)
	case rowDuplicates:
		c.onDup = wrap(c.onDup, len(duplicates))
	case rowDryRun:
		c.dryRun = !c.dryRun
	}
}

// hasEmail reports whether some column imports as email.
func (c *choices) hasEmail() bool {
	for _, f := range c.fields {
		if f == "email" {
			return true
		}
	}
	return false
}

// options turns the choices into the import's Options.
func (c *choices) options(p Preview) Options {
	o := Options{Kind: kinds[c.kind], OnDuplicate: duplicates[c.onDup], DryRun: c.dryRun}
	if c.owner > 0 {
		o.OwnerID = p.Users[c.owner-1].ID
	}
	for i, col := range p.Columns {
		if c.fields[i] != col.Field {
			if o.Map == nil {
				o.Map = map[string]string{}
			}
			o.Map[col.Name] = c.fields[i]
		}
	}
	return o
}
