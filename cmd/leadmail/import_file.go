package main

import (
	"bytes"
	"context"
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
// opened. Only a regular file is read (see openUserFile), and every read
// stops when ctx is done.
func openImportFile(ctx context.Context, path string, o importOptions) (*importFile, error) {
	f, _, err := openUserFile(path)
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	in := &importFile{path: path, f: f}
	expected, err := countRecords(ctxReader{ctx: ctx, r: f})
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		in.close()
		return nil, fmt.Errorf("import %s: %w", path, err)
	}
	in.rd, err = importer.Open(ctxReader{ctx: ctx, r: f}, importer.Options{Format: o.format, Map: o.maps})
	if err != nil {
		in.close()
		return nil, fmt.Errorf("import %s: %w", path, err)
	}
	if n := in.rd.Records(); n >= 0 {
		expected = n
	} else {
		expected = max(expected-1, 0) // the header
	}
	in.expected = expected
	return in, nil
}

func (in *importFile) close() { _ = in.f.Close() } // read-only

// countRecords counts the CSV records of r quickly, for the progress and
// store.DB.ImportContactsFrom: its lines that are not blank, a line break
// inside a quoted field not counted, so that a file of 7 people whose
// addresses span lines says 7, not 13. A vCard file's count comes from the
// reader instead. A file with an unbalanced quote counts low; the import's
// own count is exact at the end.
func countRecords(r io.Reader) (int, error) {
	buf := make([]byte, 256<<10)
	n := 0
	quoted := false
	blank := true // nothing but CR since the last line break
	for {
		k, err := r.Read(buf)
		chunk := buf[:k]
		if !quoted && bytes.IndexByte(chunk, '"') < 0 && !bytes.Contains(chunk, []byte("\n\n")) &&
			!bytes.Contains(chunk, []byte("\n\r\n")) && len(chunk) > 0 && chunk[0] != '\n' && chunk[0] != '\r' {
			// The usual chunk: no quotes, no blank lines.
			n += bytes.Count(chunk, []byte{'\n'})
			blank = chunk[len(chunk)-1] == '\n'
		} else {
			for _, c := range chunk {
				switch {
				case c == '"':
					quoted = !quoted
					blank = false
				case c == '\n' && !quoted:
					if !blank {
						n++
					}
					blank = true
				case c != '\r':
					blank = false
				}
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return 0, err
		}
	}
	if !blank {
		n++
	}
	return n, nil
}
