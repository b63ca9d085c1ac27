package importer

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// PeekRows is how many records Peek reads for its samples.
const PeekRows = 50

// Preview is what Peek finds in a contact file: how Read would map its
// columns, with a sample value of each, before anything is imported.
type Preview struct {
	Format Format
	// Source is as in Result.
	Source string
	// Header is the CSV header row; nil for vCard, whose properties are
	// mapped by their names.
	Header []string
	// Fields is the field each column of Header maps to, in Options.Map's
	// terms (first_name … owner, custom.KEY, or "-" when dropped).
	Fields []string
	// Custom is the custom field ("custom.KEY") each column would be kept
	// in if it were not mapped to a field; "" when its name makes no key.
	Custom []string
	// Samples is each column's first non-empty value among the first
	// PeekRows records, "" if none.
	Samples []string
	// Rows counts the records. For CSV it is the non-blank lines after the
	// header, so a quoted value spanning lines or a report footer makes it
	// an overestimate (RowsApprox); for vCard it is exact.
	Rows       int
	RowsApprox bool
}

// Peek reads the header and the first records of a contact file from r, as
// Read would with opts, and says how its columns map. It decodes the whole
// input to count the rows but parses only PeekRows records, so it stays
// quick on a file of a million rows.
func Peek(r io.Reader, opts Options) (*Preview, error) {
	text, f, err := load(r, opts.Format)
	if err != nil {
		return nil, fmt.Errorf("peek contacts: %w", err)
	}
	switch f {
	case FormatVCard:
		res, err := readVCard(text)
		if err != nil {
			return nil, fmt.Errorf("peek contacts: %w", err)
		}
		return &Preview{Format: f, Source: res.Source, Rows: res.Read}, nil
	case FormatCSV:
		p, err := peekCSV(text, opts)
		if err != nil {
			return nil, fmt.Errorf("peek contacts: %w", err)
		}
		return p, nil
	}
	return nil, fmt.Errorf("peek contacts: format %q: %w", f, ErrFormat)
}

func peekCSV(text string, opts Options) (*Preview, error) {
	r, header, err := newCSVReader(strings.NewReader(text), text, opts)
	if err != nil {
		return nil, err
	}
	p := &Preview{Format: FormatCSV, Header: header, RowsApprox: true,
		Custom: make([]string, len(header)), Samples: make([]string, len(header))}
	p.Fields, p.Source = mapColumns(header, opts.Map)
	for i, col := range header {
		if key := snake(col); key != "" {
			p.Custom[i] = "custom." + key
		}
	}
	for n := 0; n < PeekRows; n++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			line, _ := r.FieldPos(0)
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		for i, v := range rec {
			if v = strings.TrimSpace(v); i < len(p.Samples) && p.Samples[i] == "" && v != "" {
				p.Samples[i] = v
			}
		}
	}
	_, body, _ := strings.Cut(text, "\n") // the header is one line in practice
	for line := range strings.SplitSeq(body, "\n") {
		if strings.TrimSpace(line) != "" {
			p.Rows++
		}
	}
	return p, nil
}
