package importer

import (
	"errors"
	"fmt"
	"io"
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
	// Rows counts the records, blank ones and report footers excluded.
	Rows int
	// Warnings are as in Result, with a sentence for each record of the
	// first PeekRows that looks cut by an unbalanced quote.
	Warnings []string
}

// Peek reads a contact file from r as Read would with opts and says how
// its columns map, with a sample of each from the first PeekRows records,
// and how many records it has. It streams the file, keeping none of it, so
// it stays quick and small on a file of a million rows.
func Peek(r io.Reader, opts Options) (*Preview, error) {
	rd, err := open(r, opts)
	if err != nil {
		return nil, fmt.Errorf("peek contacts: %w", err)
	}
	p := &Preview{Format: rd.res.Format, Source: rd.res.Source, Warnings: rd.res.Warnings}
	if rd.csv == nil { // vCard, read whole by open
		p.Rows = len(rd.vcard)
		return p, nil
	}
	header := rd.res.Header
	p.Header, p.Fields = header, rd.fields
	p.Custom, p.Samples = make([]string, len(header)), make([]string, len(header))
	for i, col := range header {
		if key := snake(col); key != "" {
			p.Custom[i] = "custom." + key
		}
	}
	rd.csv.ReuseRecord = true // only the samples are kept, as strings
	for {
		rec, _, err := rd.next()
		if errors.Is(err, io.EOF) {
			return p, nil
		}
		if err != nil {
			return nil, fmt.Errorf("peek contacts: %w", err)
		}
		if p.Rows++; p.Rows > PeekRows {
			continue
		}
		if reason := rd.swallowed(rec); reason != "" {
			p.Warnings = append(p.Warnings, reason)
		}
		for i, v := range rec {
			if v = clean(v); i < len(p.Samples) && p.Samples[i] == "" && v != "" {
				p.Samples[i] = v
			}
		}
	}
}
