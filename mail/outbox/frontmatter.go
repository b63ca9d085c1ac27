package outbox

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// EmailFile is an email template as a Markdown file with a small front
// matter, as `leadmail emails export` writes and `import` reads:
//
//	---
//	name: "Intro"
//	subject: "Hello {{first_name}}"
//	tags: ["intro", "q4"]
//	smart_mail: true
//	---
//	Markdown body
type EmailFile struct {
	Name      string // "" means: from the file name
	Subject   string
	Tags      []string
	SmartMail bool
	Body      string
}

// FrontMatterError is a front matter that cannot be read; Line is 1-based.
type FrontMatterError struct {
	Line int
	Msg  string
}

func (e *FrontMatterError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// bodyLine is the 1-based line of data on which f's body starts.
func (f EmailFile) bodyLine(data []byte) int {
	return bytes.Count(data[:len(data)-len(f.Body)], []byte("\n")) + 1
}

// BodyLineOffset returns how many lines of data come before the body of
// the EmailFile parsed from it: add it to a body line to get a file line.
func BodyLineOffset(data []byte, f EmailFile) int {
	if len(f.Body) > len(data) {
		return 0
	}
	return f.bodyLine(data) - 1
}

// ParseFrontMatter reads an email file. The front matter is required and
// holds only the keys name, subject, tags and smart_mail (each at most
// once); strings may be bare or double-quoted (Go/JSON escapes), tags a
// [a, b] list. Everything after the closing "---" line is the body, byte
// for byte. Errors are *FrontMatterError.
func ParseFrontMatter(data []byte) (EmailFile, error) {
	if !utf8.Valid(data) {
		return EmailFile{}, &FrontMatterError{Line: 1, Msg: "the file is not UTF-8 text"}
	}
	rest := string(data)
	line, ok := cutLine(&rest)
	if !ok || strings.TrimRight(line, "\r") != "---" {
		return EmailFile{}, &FrontMatterError{Line: 1, Msg: `the file must start with a "---" line (front matter)`}
	}
	var f EmailFile
	seen := map[string]bool{}
	for n := 2; ; n++ {
		line, ok = cutLine(&rest)
		l := strings.TrimRight(line, "\r")
		if l == "---" {
			break
		}
		if !ok {
			return EmailFile{}, &FrontMatterError{Line: n, Msg: `the front matter has no closing "---" line`}
		}
		if t := strings.TrimSpace(l); t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		key, val, found := strings.Cut(l, ":")
		key, val = strings.TrimSpace(key), strings.TrimSpace(val)
		if !found {
			return EmailFile{}, &FrontMatterError{Line: n, Msg: fmt.Sprintf("%q is not a \"key: value\" line", l)}
		}
		if seen[key] {
			return EmailFile{}, &FrontMatterError{Line: n, Msg: fmt.Sprintf("%s is given twice", key)}
		}
		seen[key] = true
		var err error
		switch key {
		case "name":
			f.Name, err = parseScalar(val)
		case "subject":
			f.Subject, err = parseScalar(val)
		case "tags":
			f.Tags, err = parseList(val)
		case "smart_mail":
			f.SmartMail, err = strconv.ParseBool(val)
			if err != nil {
				err = fmt.Errorf("smart_mail must be true or false, not %q", val)
			}
		default:
			err = fmt.Errorf("unknown key %q (known: name, subject, tags, smart_mail)", key)
		}
		if err != nil {
			return EmailFile{}, &FrontMatterError{Line: n, Msg: err.Error()}
		}
	}
	f.Body = rest
	return f, nil
}

// cutLine removes the first line (without its "\n") from *s; ok is false
// when *s was empty.
func cutLine(s *string) (line string, ok bool) {
	if *s == "" {
		return "", false
	}
	line, rest, found := strings.Cut(*s, "\n")
	if !found {
		rest = ""
	}
	*s = rest
	return line, true
}

func parseScalar(v string) (string, error) {
	if strings.HasPrefix(v, `"`) {
		s, err := strconv.Unquote(v)
		if err != nil {
			return "", fmt.Errorf("bad quoted string %s", v)
		}
		return s, nil
	}
	return v, nil
}

// parseList reads [a, "b, c", d].
func parseList(v string) ([]string, error) {
	if !strings.HasPrefix(v, "[") || !strings.HasSuffix(v, "]") {
		return nil, fmt.Errorf("tags must be a list like [a, b], not %q", v)
	}
	v = strings.TrimSpace(v[1 : len(v)-1])
	var out []string
	for v != "" {
		var item string
		if strings.HasPrefix(v, `"`) {
			q, err := strconv.QuotedPrefix(v)
			if err != nil {
				return nil, fmt.Errorf("bad quoted tag in %q", v)
			}
			item, _ = strconv.Unquote(q)
			v = strings.TrimSpace(v[len(q):])
			if v != "" && !strings.HasPrefix(v, ",") {
				return nil, fmt.Errorf("expected a comma after %s", q)
			}
		} else {
			var found bool
			item, v, found = strings.Cut(v, ",")
			item = strings.TrimSpace(item)
			if !found {
				v = ""
			} else {
				v = "," + v
			}
			if item == "" {
				return nil, fmt.Errorf("empty tag")
			}
		}
		out = append(out, item)
		v = strings.TrimSpace(strings.TrimPrefix(v, ","))
	}
	return out, nil
}

// Marshal writes f in the format ParseFrontMatter reads; strings are
// always quoted, so any value survives the round trip.
func (f EmailFile) Marshal() []byte {
	var b strings.Builder
	b.WriteString("---\n")
	if f.Name != "" {
		fmt.Fprintf(&b, "name: %s\n", strconv.Quote(f.Name))
	}
	fmt.Fprintf(&b, "subject: %s\n", strconv.Quote(f.Subject))
	if len(f.Tags) > 0 {
		qs := make([]string, len(f.Tags))
		for i, t := range f.Tags {
			qs[i] = strconv.Quote(t)
		}
		fmt.Fprintf(&b, "tags: [%s]\n", strings.Join(qs, ", "))
	}
	fmt.Fprintf(&b, "smart_mail: %t\n", f.SmartMail)
	b.WriteString("---\n")
	b.WriteString(f.Body)
	return []byte(b.String())
}
