package mail

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// The known fields, space separated. The lists are closed on purpose: a typo
// must be caught when the template is saved, not discovered as an empty
// greeting after sending. Constants, so nothing can change them at run time.
const (
	contactFields     = "first_name last_name full_name email phone company title city country status kind owner_name"
	userFields        = "name email title phone"
	opportunityFields = "name value stage close_date owner_name"
)

// KnownVariables lists every variable name a template may use, normalised,
// except custom.<key> whose keys are free. It exists for help screens and
// completion.
func KnownVariables() []string {
	names := strings.Fields(contactFields)
	for _, f := range strings.Fields(userFields) {
		names = append(names, "user."+f)
	}
	for _, f := range strings.Fields(opportunityFields) {
		names = append(names, "opportunity."+f)
	}
	return names
}

// Values maps normalised variable names (first_name, custom.industry,
// user.name, opportunity.value) to their values for one send.
type Values map[string]string

// Var is one occurrence of a merge variable in a template.
type Var struct {
	Name        string // normalised: contact.first_name becomes first_name
	Fallback    string // used when the value is empty; see HasFallback
	HasFallback bool   // distinguishes {{x | ""}} from {{x}}
	Line, Col   int    // 1-based position of the opening {{, columns in runes
}

// SyntaxError is a template that cannot be used. Line and Col are 1-based and
// count runes, so an editor can put the cursor on the problem.
type SyntaxError struct {
	Line, Col int
	Msg       string
}

// Error reads like `unknown variable "frist_name" at line 2, column 7`.
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%s at line %d, column %d", e.Msg, e.Line, e.Col)
}

// Template is a parsed text with merge variables. It is immutable and safe for
// concurrent use.
type Template struct {
	segs []segment
	vars []Var
}

// segment is literal text (v < 0) or the occurrence vars[v].
type segment struct {
	lit string
	v   int
}

// ParseTemplate parses src. Every variable must be known, so that a template
// that parses can always be rendered; the error is a *SyntaxError.
func ParseTemplate(src string) (*Template, error) {
	p := parser{src: src, line: 1, col: 1}
	t := &Template{}
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			t.segs = append(t.segs, segment{lit: lit.String(), v: -1})
			lit.Reset()
		}
	}
	for p.pos < len(src) {
		next := strings.IndexAny(src[p.pos:], `{\`)
		if next < 0 {
			lit.WriteString(src[p.pos:])
			p.advance(len(src) - p.pos)
			break
		}
		if next > 0 {
			lit.WriteString(src[p.pos : p.pos+next])
			p.advance(next)
			continue
		}
		switch {
		case p.has(`\{{`):
			lit.WriteString("{{")
			p.advance(3)
		case p.has("{{"):
			v, err := p.tag()
			if err != nil {
				return nil, err
			}
			flush()
			t.segs = append(t.segs, segment{v: len(t.vars)})
			t.vars = append(t.vars, v)
		default:
			lit.WriteByte(src[p.pos])
			p.advance(1)
		}
	}
	flush()
	return t, nil
}

// Vars returns the variable occurrences in order of appearance.
func (t *Template) Vars() []Var {
	return slices.Clone(t.vars)
}

// Render substitutes v into the template. Values go in as-is: escaping is
// the caller's business because only it knows the output format. A variable
// is missing when its value is blank and it has no fallback; it renders as
// "" and its name is listed once in missing, in order of first appearance.
func (t *Template) Render(v Values) (out string, missing []string) {
	var b strings.Builder
	for _, s := range t.segs {
		if s.v < 0 {
			b.WriteString(s.lit)
			continue
		}
		val, ok := effective(t.vars[s.v], v)
		if !ok && !slices.Contains(missing, t.vars[s.v].Name) {
			missing = append(missing, t.vars[s.v].Name)
		}
		b.WriteString(val)
	}
	return b.String(), missing
}

// expand renders the template with each occurrence replaced by repl(i, var),
// where i indexes Vars. RenderBody uses it to insert placeholders.
func (t *Template) expand(repl func(i int, v Var) string) string {
	var b strings.Builder
	for _, s := range t.segs {
		if s.v < 0 {
			b.WriteString(s.lit)
		} else {
			b.WriteString(repl(s.v, t.vars[s.v]))
		}
	}
	return b.String()
}

// effective returns the text an occurrence renders to and whether it has
// one: a blank value falls back, and with no fallback it is missing.
func effective(x Var, v Values) (string, bool) {
	if val := v[x.Name]; strings.TrimSpace(val) != "" {
		return val, true
	}
	if x.HasFallback {
		return x.Fallback, true
	}
	return "", false
}

// LintItem is one distinct variable of a send: its effective value and
// whether it is missing, so the user sees every value before sending.
type LintItem struct {
	Name     string
	Value    string // the value, else the fallback; "" when Missing
	Fallback string // the first fallback written for this variable
	Missing  bool   // blank value and at least one occurrence without fallback
}

// Lint reports each distinct variable of the templates (e.g. subject then
// body) in order of first appearance.
func Lint(v Values, tmpls ...*Template) []LintItem {
	var items []LintItem
	index := map[string]int{}
	hasFallback := map[string]bool{}
	for _, t := range tmpls {
		if t == nil {
			continue
		}
		for _, x := range t.vars {
			i, seen := index[x.Name]
			if !seen {
				i = len(items)
				index[x.Name] = i
				items = append(items, LintItem{Name: x.Name})
			}
			if x.HasFallback && !hasFallback[x.Name] {
				hasFallback[x.Name] = true
				items[i].Fallback = x.Fallback
			}
			if _, ok := effective(x, v); !ok {
				items[i].Missing = true
			}
		}
	}
	for i := range items {
		it := &items[i]
		switch val := v[it.Name]; {
		case strings.TrimSpace(val) != "":
			it.Value = val
		case !it.Missing:
			it.Value = it.Fallback
		}
	}
	return items
}

// SanitizeHeader makes s safe for a header field: every run of CR, LF, tab
// and other line or control characters becomes one space, so a value can
// never start a new header line (header injection), and the result is
// trimmed.
func SanitizeHeader(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == 0x85 || r == 0x2028 || r == 0x2029 {
			space = true
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return strings.TrimSpace(b.String())
}

// parser scans a template, tracking the position for error messages.
type parser struct {
	src       string
	pos       int
	line, col int
}

func (p *parser) has(prefix string) bool { return strings.HasPrefix(p.src[p.pos:], prefix) }

// advance moves n bytes on, counting lines and rune columns.
func (p *parser) advance(n int) {
	end := p.pos + n
	for p.pos < end {
		r, size := utf8.DecodeRuneInString(p.src[p.pos:])
		p.pos += size
		if r == '\n' {
			p.line++
			p.col = 1
		} else {
			p.col++
		}
	}
}

func (p *parser) errAt(line, col int, format string, args ...any) *SyntaxError {
	return &SyntaxError{Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) skipBlanks() {
	for p.pos < len(p.src) && (p.src[p.pos] == ' ' || p.src[p.pos] == '\t') {
		p.advance(1)
	}
}

// tag parses {{ name }} or {{ name | "fallback" }} at p.pos. Tags do not span
// lines: a stray {{ would otherwise swallow the rest of the email.
func (p *parser) tag() (Var, error) {
	v := Var{Line: p.line, Col: p.col}
	unclosed := func() error { return p.errAt(v.Line, v.Col, "unclosed {{") }
	p.advance(2)
	p.skipBlanks()
	start := p.pos
	for p.pos < len(p.src) && isNameByte(p.src[p.pos]) {
		p.advance(1)
	}
	name := p.src[start:p.pos]
	p.skipBlanks()
	if p.pos >= len(p.src) || p.src[p.pos] == '\n' || p.src[p.pos] == '\r' {
		return v, unclosed()
	}
	if name == "" && (p.has("}}") || p.has("|")) {
		return v, p.errAt(v.Line, v.Col, "empty variable name")
	}
	if p.has("|") {
		p.advance(1)
		p.skipBlanks()
		fb, err := p.fallback()
		if err != nil {
			return v, err
		}
		v.Fallback, v.HasFallback = fb, true
		p.skipBlanks()
	}
	if !p.has("}}") {
		if p.pos >= len(p.src) || p.src[p.pos] == '\n' || p.src[p.pos] == '\r' {
			return v, unclosed()
		}
		r, _ := utf8.DecodeRuneInString(p.src[p.pos:])
		return v, p.errAt(p.line, p.col, "unexpected %q in {{...}}: expected a name, | or }}", r)
	}
	p.advance(2)
	norm, ok := normalise(name)
	if !ok {
		return v, p.errAt(v.Line, v.Col, "unknown variable %q", name)
	}
	v.Name = norm
	return v, nil
}

// fallback parses a double-quoted string with \" and \\ escapes.
func (p *parser) fallback() (string, error) {
	const hint = `fallback must be in double quotes, like {{first_name | "there"}}`
	if !p.has(`"`) {
		return "", p.errAt(p.line, p.col, hint)
	}
	line, col := p.line, p.col
	p.advance(1)
	var b strings.Builder
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch {
		case c == '"':
			p.advance(1)
			return b.String(), nil
		case c == '\n' || c == '\r':
			return "", p.errAt(line, col, "unterminated fallback string")
		case c == '\\' && p.pos+1 < len(p.src) && (p.src[p.pos+1] == '"' || p.src[p.pos+1] == '\\'):
			b.WriteByte(p.src[p.pos+1])
			p.advance(2)
		default:
			_, size := utf8.DecodeRuneInString(p.src[p.pos:])
			b.WriteString(p.src[p.pos : p.pos+size])
			p.advance(size)
		}
	}
	return "", p.errAt(line, col, "unterminated fallback string")
}

func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '_' || c == '.' || c == '-'
}

// normalise maps a written name to its Values key. Namespaces and built-in
// fields are matched case-insensitively ({{First_Name}} is a fair thing to
// type); custom keys keep their case because the store defines them.
func normalise(name string) (string, bool) {
	ns, field, dotted := strings.Cut(name, ".")
	if !dotted {
		ns, field = "contact", name
	}
	lower := strings.ToLower(field)
	switch strings.ToLower(ns) {
	case "contact":
		if slices.Contains(strings.Fields(contactFields), lower) {
			return lower, true
		}
	case "user":
		if slices.Contains(strings.Fields(userFields), lower) {
			return "user." + lower, true
		}
	case "opportunity":
		if slices.Contains(strings.Fields(opportunityFields), lower) {
			return "opportunity." + lower, true
		}
	case "custom":
		if field != "" && !strings.Contains(field, ".") {
			return "custom." + field, true
		}
	}
	return "", false
}
