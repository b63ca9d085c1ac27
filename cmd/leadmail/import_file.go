package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/leadmail/leadmail/store/importer"
)

// importFile is a contact file opened for import, its header read.
type importFile struct {
	path string
	f    *os.File
	rd   *importer.Reader
	// expected is about how many records it has.
	expected int
}

// openImportFile opens the contact file at path and reads its header, so
// that a file that is no contact file is refused before the database is
// opened.
func openImportFile(path string, o importOptions) (*importFile, error) {
	expected, err := countLines(path)
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	rd, err := importer.Open(f, importer.Options{Format: o.format, Map: o.maps})
	if err != nil {
		_ = f.Close() // read-only
		return nil, fmt.Errorf("import %s: %w", path, err)
	}
	if n := rd.Records(); n >= 0 {
		expected = n
	} else {
		expected = max(expected-1, 0) // the header
	}
	return &importFile{path: path, f: f, rd: rd, expected: expected}, nil
}

func (in *importFile) close() { _ = in.f.Close() } // read-only

// countLines counts the lines of the file at path, quickly: an estimate of
// its records for the progress and store.DB.ImportContactsFrom.
func countLines(path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer func() { _ = f.Close() }() // read-only
	buf := make([]byte, 256<<10)
	n, last := 0, byte('\n')
	for {
		k, err := f.Read(buf)
		if k > 0 {
			n += bytes.Count(buf[:k], []byte{'\n'})
			last = buf[k-1]
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return 0, err
		}
	}
	if last != '\n' {
		n++
	}
	return n, nil
}
