package importer

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// sourceNames say where a file comes from, by the importer's Source.
var sourceNames = map[string]string{
	"hubspot":       "HubSpot export",
	"salesforce":    "Salesforce export",
	"google":        "Google Contacts export",
	"google-legacy": "Google Contacts export (legacy)",
	"outlook":       "Outlook export",
	"pipedrive":     "Pipedrive export",
	"thunderbird":   "Thunderbird address book",
	"leadmail":      "leadmail export",
	"generic":       "no known application: columns matched by name",
}

// maxWarnings bounds the warnings the preview shows above the columns.
const maxWarnings = 3

// The widths of the columns table, in cells.
const (
	nameMin, nameMax = 6, 24
	fieldWidth       = 22
	labelWidth       = 14
)

// optionsFixedRows counts the preview's lines that are not columns.
func (m *Model) optionsFixedRows() int {
	n := 5 + 1 + 1 + optionRows + 2 // title, file, table header, gap, options, legend
	if m.emailWarning() {
		n += 3
	}
	if k := len(m.preview.Warnings); k > 0 {
		n += min(k, maxWarnings) + 1
	}
	return n
}

// columnRows is how many columns the preview shows at once.
func (m *Model) columnRows() int { return max(1, m.height-m.optionsFixedRows()) }

// emailWarning reports whether the preview must say that no column holds
// the email.
func (m *Model) emailWarning() bool {
	return m.preview.Format == "csv" && !m.choice.hasEmail()
}

func (m *Model) optionsLines() []string {
	st := m.c.Styles
	p, c := m.preview, m.choice
	source := sourceNames[p.Source]
	if source == "" {
		source = p.Source
	}
	if p.Format == "vcard" {
		source = "vCard"
	}
	lines := []string{
		st.Label.Render("File   ") + st.Value.Render(p.File),
		st.Label.Render("Found  ") + st.Value.Render(source) + st.Muted.Render(fmt.Sprintf(" · %s · %s", strings.ToUpper(p.Format), plural(p.Rows, "row"))),
		"",
	}
	if m.emailWarning() {
		lines = append(lines, st.ErrorText.Render("No email column found."),
			st.Muted.Render("Map the column that holds it to email (←/→), or people are imported without one."), "")
	}
	if len(p.Warnings) > 0 {
		for _, w := range p.Warnings[:min(len(p.Warnings), maxWarnings)] {
			lines = append(lines, st.StatusWarning.Render("! "+w))
		}
		lines = append(lines, "")
	}
	lines = append(lines, m.columnLines()...)
	lines = append(lines, "")
	values := m.optionValues()
	for i, label := range []string{"Kind", "Owner", "On duplicate", "Dry run"} {
		row := len(p.Columns) + i
		mark, lst := "  ", st.Label
		if c.cursor == row {
			mark, lst = st.Marker.Render("› "), st.Selected
		}
		lines = append(lines, mark+lst.Render(fmt.Sprintf("%-*s", labelWidth, label))+st.Value.Render(values[i]))
	}
	lines = append(lines, "", st.Muted.Render("custom.KEY keeps a column as a custom field; - drops it."))
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, m.width, "…")
	}
	return lines
}

// columnLines is the table of columns, scrolled to the cursor.
func (m *Model) columnLines() []string {
	st := m.c.Styles
	p, c := m.preview, m.choice
	if len(p.Columns) == 0 {
		return []string{st.Muted.Render("A vCard's properties are read by name: there are no columns to map.")}
	}
	nameW := nameMin
	for _, col := range p.Columns {
		nameW = max(nameW, min(nameMax, ansi.StringWidth(col.Name)))
	}
	cell := func(s string, w int) string {
		s = ansi.Truncate(s, w, "…")
		return s + strings.Repeat(" ", max(0, w-ansi.StringWidth(s)))
	}
	rows := m.columnRows()
	head := "  " + st.Label.Render(cell("COLUMN", nameW)+"  "+cell("IMPORTS AS", fieldWidth)+"  FIRST VALUE")
	if len(p.Columns) > rows {
		head += st.Muted.Render(fmt.Sprintf("   %d–%d of %d columns", c.offset+1,
			min(c.offset+rows, len(p.Columns)), len(p.Columns)))
	}
	lines := []string{head}
	for i := c.offset; i < len(p.Columns) && i < c.offset+rows; i++ {
		col, field := p.Columns[i], c.fields[i]
		mark, nst := "  ", st.Value
		if strings.TrimSpace(col.Name) == "" {
			nst = st.Muted
		}
		if c.cursor == i {
			mark, nst = st.Marker.Render("› "), st.Selected
		}
		fst := st.Value
		switch {
		case field == "-":
			field, fst = "- (dropped)", st.Muted
		case strings.HasPrefix(field, "custom."):
			fst = st.StatusWarning
		}
		if c.fields[i] != col.Field {
			field += " *"
		}
		name := col.Name
		if strings.TrimSpace(name) == "" {
			name = "(no name)"
		}
		lines = append(lines, mark+nst.Render(cell(name, nameW))+"  "+fst.Render(cell(field, fieldWidth))+
			"  "+st.Muted.Render(strings.ReplaceAll(col.Sample, "\n", " ")))
	}
	return lines
}

// optionValues are the texts of the kind, owner, duplicates and dry-run
// rows.
func (m *Model) optionValues() [optionRows]string {
	p, c := m.preview, m.choice
	var v [optionRows]string
	v[rowKind] = [...]string{"from the file's kind column, else lead", "lead", "contact"}[c.kind]
	v[rowOwner] = "nobody (the file has no owner column)"
	for _, f := range c.fields {
		if f == "owner" {
			v[rowOwner] = "from the file's owner column"
		}
	}
	if c.owner > 0 {
		u := p.Users[c.owner-1]
		v[rowOwner] = fmt.Sprintf("%s <%s>", u.Name, u.Email)
		if u.ID == p.Me {
			v[rowOwner] += " (you)"
		}
	}
	v[rowDuplicates] = [...]string{"skip people whose email is already known",
		"update people whose email is already known"}[c.onDup]
	v[rowDryRun] = "off"
	if c.dryRun {
		v[rowDryRun] = "on: report what would happen, write nothing"
	}
	return v
}

// plural says "1 row", "2 rows".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
