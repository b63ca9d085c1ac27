package importer

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
)

// Open and Each decode UTF-16 and Windows-1252 as they stream, whatever
// the size of the reads.
func TestEachDecodesAsItStreams(t *testing.T) {
	for _, tc := range []struct {
		file  string
		first []string
	}{
		{"utf16.csv", []string{"Łukasz", "田中"}},
		{"cp1252.csv", []string{"François"}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			rd, err := Open(iotest.HalfReader(bytes.NewReader(b)), Options{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			res, err := rd.Each(func(row Row, dupOf int) error {
				if dupOf != 0 {
					t.Errorf("duplicate %+v", row)
				}
				got = append(got, row.Contact.FirstName)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(got, "|") != strings.Join(tc.first, "|") || res.Read != len(tc.first) || res.Format != FormatCSV {
				t.Errorf("first names %q, read %d, format %s", got, res.Read, res.Format)
			}
		})
	}
}

// Only the start of a file decides its encoding, a character cut at the
// end of that start aside.
func TestDecodeReaderLooksAtTheStart(t *testing.T) {
	pad := strings.Repeat("a", sniffSize-1)
	for _, tc := range []struct {
		name, in, want string
	}{
		{"UTF-8 character across the start's end", pad + "é,x", pad + "é,x"},
		{"Windows-1252 in the start", "Dupr\xe9," + pad, "Dupré," + pad},
		{"bad byte after the start", pad + "é\xe9", pad + "é\xe9"},
		{"UTF-8 BOM", "\xef\xbb\xbfa,b", "a,b"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			br, err := decodeReader(strings.NewReader(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(br)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("decoded %q…%q, want …%q", got[:min(10, len(got))], got[max(0, len(got)-10):],
					tc.want[max(0, len(tc.want)-10):])
			}
		})
	}
}

func TestEmailSetGrows(t *testing.T) {
	s := newEmailSet()
	const n = 5000 // several doublings of the table
	for i := range n {
		if _, seen := s.first(fmt.Sprintf("p%d@example.com", i), i+2); seen {
			t.Fatalf("p%d seen before it was added", i)
		}
	}
	for i := range n {
		if line, seen := s.first(fmt.Sprintf("p%d@example.com", i), 0); !seen || line != i+2 {
			t.Fatalf("p%d: line %d, seen %v", i, line, seen)
		}
	}
	if line, seen := s.first("p@example.com", 9); seen || line != 9 {
		t.Errorf("new email: line %d, seen %v", line, seen)
	}
}
