package importer

import (
	"fmt"
	"io"
	"mime/quotedprintable"
	"slices"
	"strings"

	"golang.org/x/text/encoding/htmlindex"

	"github.com/leadmail/leadmail/store"
)

// vcardHeader are the columns of Row.Raw for vCard rows.
var vcardHeader = []string{"FN", "EMAIL", "ORG"}

// vLine is one unfolded content line of a vCard.
type vLine struct {
	name   string // upper case, group dropped
	params map[string][]string
	value  string
	line   int
}

// readVCard reads vCard 2.1, 3.0 and 4.0: folded lines, quoted-printable
// values with their CHARSET (2.1), escaped commas and semicolons (3.0, 4.0).
func readVCard(text string) (*Result, error) {
	res := &Result{Source: "vcard", Header: vcardHeader}
	var (
		card  []vLine
		start int
		in    bool
	)
	for _, l := range unfold(text) {
		v := parseVLine(l.text, l.line)
		switch {
		case v.name == "BEGIN" && strings.EqualFold(v.value, "VCARD"):
			if in {
				return nil, fmt.Errorf("line %d: BEGIN:VCARD inside the card of line %d", l.line, start)
			}
			in, start, card = true, l.line, card[:0]
		case v.name == "END" && strings.EqualFold(v.value, "VCARD"):
			if !in {
				return nil, fmt.Errorf("line %d: END:VCARD without BEGIN", l.line)
			}
			in = false
			res.Read++
			res.Contacts = append(res.Contacts, vcardRow(start, card))
		case in:
			card = append(card, v)
		case strings.TrimSpace(l.text) != "":
			return nil, fmt.Errorf("line %d: text outside BEGIN:VCARD/END:VCARD", l.line)
		}
	}
	if in {
		return nil, fmt.Errorf("line %d: card without END:VCARD", start)
	}
	return res, nil
}

type numbered struct {
	text string
	line int
}

// unfold joins continuation lines (starting with a space or tab) and 2.1
// quoted-printable soft line breaks (a line ending in "=").
func unfold(text string) []numbered {
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	var out []numbered
	for i, l := range lines {
		l = strings.TrimRight(l, "\r")
		n := len(out)
		switch {
		case n > 0 && (strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t")):
			out[n-1].text += l[1:]
		case n > 0 && isQP(out[n-1].text) && strings.HasSuffix(out[n-1].text, "="):
			out[n-1].text += "\n" + l
		default:
			out = append(out, numbered{l, i + 1})
		}
	}
	return out
}

func isQP(l string) bool {
	name, _, _ := strings.Cut(l, ":")
	return strings.Contains(strings.ToUpper(name), "QUOTED-PRINTABLE")
}

func parseVLine(l string, line int) vLine {
	head, value, _ := cutUnquoted(l)
	parts := strings.Split(head, ";")
	name := strings.ToUpper(strings.TrimSpace(parts[0]))
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	v := vLine{name: name, params: map[string][]string{}, value: value, line: line}
	for _, p := range parts[1:] {
		k, val, ok := strings.Cut(p, "=")
		if !ok { // 2.1: a bare TYPE or ENCODING value
			k, val = "TYPE", p
			if u := strings.ToUpper(p); u == "QUOTED-PRINTABLE" || u == "BASE64" || u == "8BIT" {
				k = "ENCODING"
			}
		}
		k = strings.ToUpper(strings.TrimSpace(k))
		for _, x := range strings.Split(strings.Trim(val, `"`), ",") {
			v.params[k] = append(v.params[k], strings.ToUpper(strings.TrimSpace(x)))
		}
	}
	if slices.Contains(v.params["ENCODING"], "QUOTED-PRINTABLE") {
		b, err := io.ReadAll(quotedprintable.NewReader(strings.NewReader(strings.ReplaceAll(v.value, "=\n", "=\r\n"))))
		if err == nil {
			v.value = string(b)
		}
		if cs := v.params["CHARSET"]; len(cs) > 0 && cs[0] != "UTF-8" {
			if enc, err := htmlindex.Get(cs[0]); err == nil {
				if s, err := enc.NewDecoder().String(v.value); err == nil {
					v.value = s
				}
			}
		}
	}
	return v
}

// cutUnquoted splits a content line at the first colon outside a quoted
// parameter value.
func cutUnquoted(l string) (head, value string, ok bool) {
	quoted := false
	for i, r := range l {
		switch {
		case r == '"':
			quoted = !quoted
		case r == ':' && !quoted:
			return l[:i], l[i+1:], true
		}
	}
	return l, "", false
}

// components splits a structured value at unescaped semicolons and
// unescapes each part.
func components(v string) []string {
	var (
		out []string
		b   strings.Builder
	)
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == '\\' && i+1 < len(v):
			i++
			switch v[i] {
			case 'n', 'N':
				b.WriteByte('\n')
			default:
				b.WriteByte(v[i])
			}
		case c == ';':
			out = append(out, b.String())
			b.Reset()
		default:
			b.WriteByte(c)
		}
	}
	return append(out, b.String())
}

func unescape(v string) string { return strings.Join(components(v), ";") }

func vcardRow(line int, card []vLine) Row {
	row := Row{Line: line}
	c := &row.Contact
	var fn string
	prefEmail := false
	for _, v := range card {
		switch v.name {
		case "FN":
			fn = unescape(v.value)
		case "N":
			n := components(v.value)
			c.LastName = n[0]
			if len(n) > 1 {
				c.FirstName = strings.TrimSpace(strings.Join(n[1:min(3, len(n))], " "))
			}
		case "EMAIL":
			pref := slices.Contains(v.params["TYPE"], "PREF") || len(v.params["PREF"]) > 0
			if c.Email == "" || (pref && !prefEmail) {
				c.Email, prefEmail = strings.TrimSpace(unescape(v.value)), pref
			}
		case "ORG":
			if c.Company == "" {
				c.Company = components(v.value)[0]
			}
		case "TITLE":
			c.Title = unescape(v.value)
		case "TEL":
			if c.Phone == "" {
				c.Phone = strings.TrimPrefix(unescape(v.value), "tel:")
			}
		case "ADR":
			a := components(v.value)
			if len(a) > 3 && c.City == "" {
				c.City = a[3]
			}
			if len(a) > 6 && c.Country == "" {
				c.Country = a[6]
			}
		case "X-LEADMAIL-KIND":
			c.Kind = store.Kind(strings.ToLower(unescape(v.value)))
		case "X-LEADMAIL-STATUS":
			c.Status = store.Status(strings.ToLower(unescape(v.value)))
		case "X-LEADMAIL-OWNER":
			row.Owner = unescape(v.value)
		case "X-LEADMAIL-CUSTOM":
			if key := snake(strings.Join(v.params["KEY"], "_")); key != "" {
				if c.Custom == nil {
					c.Custom = map[string]string{}
				}
				c.Custom[key] = unescape(v.value)
			}
		case "NOTE", "URL", "BDAY", "NICKNAME", "ROLE":
			if c.Custom == nil {
				c.Custom = map[string]string{}
			}
			if k := strings.ToLower(v.name); c.Custom[k] == "" {
				c.Custom[k] = unescape(v.value)
			}
		}
	}
	// leadmail writes the email as FN when there is no name.
	if c.FirstName == "" && c.LastName == "" && fn != "" && !strings.EqualFold(fn, c.Email) {
		c.FirstName, c.LastName = splitName(fn)
	}
	row.Raw = []string{fn, c.Email, c.Company}
	return row
}
