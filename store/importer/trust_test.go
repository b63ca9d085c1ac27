package importer

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"
)

func utf16Bytes(s string, order binary.AppendByteOrder) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = order.AppendUint16(b, u)
	}
	return b
}

// What is no text is refused with a sentence that says what it is, before
// a row is read; text that is, in any of the encodings, is read.
func TestTrust07BinaryInputRefused(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	noise := make([]byte, 4096)
	for i := range noise {
		noise[i] = byte(r.UintN(256))
	}
	highNoise := bytes.Repeat([]byte("abc\x81\x90\x9d\xff,"), 200) // invalid UTF-8, not Windows-1252
	lateNUL := append([]byte("Email\n"+strings.Repeat("a@b.example\n", sniffSize/12+10)), 0, 0, 0)
	for _, tc := range []struct {
		name string
		in   []byte
		want string
	}{
		{"zip", append([]byte("PK\x03\x04\x14\x00"), noise...), "zip archive"},
		{"gzip", append([]byte("\x1f\x8b\x08\x00"), noise...), "gzip-compressed"},
		{"PDF", []byte("%PDF-1.7\n%âãÏÓ\n1 0 obj"), "PDF document"},
		{"xls", append([]byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), noise...), "Excel workbook"},
		{"random binary", noise, "binary data"},
		{"invalid UTF-8, not Windows-1252", highNoise, "neither UTF-8 nor Windows-1252"},
		{"control characters", bytes.Repeat([]byte("Email\x01\x02\x03\x04,\x05\n"), 50), "control characters"},
		{"NUL past the start", lateNUL, "NUL bytes"},
		{"endless line", []byte("Email\n" + strings.Repeat("a", maxLine+sniffSize)), "line longer than 16 MB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rd, err := Open(bytes.NewReader(tc.in), Options{})
			if err == nil {
				_, err = rd.Each(func(Row, int) error { return nil })
			}
			if err == nil || !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want ErrFormat saying %q", err, tc.want)
			}
			if _, err := Peek(bytes.NewReader(tc.in), Options{}); err == nil && !strings.Contains(tc.name, "past") && !strings.Contains(tc.name, "endless") {
				t.Error("Peek took it")
			}
		})
	}
}

// UTF-16 without a BOM is told by its NUL bytes and read.
func TestTrust07UTF16WithoutBOM(t *testing.T) {
	text := "First Name,Email\r\nŁukasz,l@x.example\r\nRenée,r@x.example\r\n"
	for _, order := range []binary.AppendByteOrder{binary.LittleEndian, binary.BigEndian} {
		t.Run(order.String(), func(t *testing.T) {
			res, err := Read(bytes.NewReader(utf16Bytes(text, order)), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Contacts) != 2 || res.Contacts[0].Contact.FirstName != "Łukasz" ||
				res.Contacts[1].Contact.Email != "r@x.example" {
				t.Fatalf("contacts %+v", res.Contacts)
			}
		})
	}
}

// A quote opened and never closed is reported at its line as a suspected
// unbalanced quote, the row rejected rather than imported with the rows it
// swallowed; the rows before it and after it are read.
func TestTrust07UnbalancedQuoteReported(t *testing.T) {
	in := "First Name,Last Name,Email,Company\n" +
		"Ann,Lee,ann@x.example,Acme\n" +
		"Bob,\"Ray,bob@x.example,Acme\n" +
		"Cy,Moe,cy@x.example,Acme\n" +
		"Di,Fox,di@x.example,Acme\n" +
		"Ed,\"Kay\",ed@x.example,\"Big\nCorp, Inc\"\n"
	res := mustRead(t, in)
	if len(res.Invalid) != 1 || res.Invalid[0].Line != 3 ||
		!strings.Contains(res.Invalid[0].Reason, "suspected unbalanced quote at line 3") ||
		!strings.Contains(res.Invalid[0].Reason, "2 more rows") {
		t.Fatalf("invalid %+v", res.Invalid)
	}
	var names []string
	for _, r := range res.Contacts {
		names = append(names, r.Contact.FirstName)
	}
	if !slices.Equal(names, []string{"Ann"}) {
		t.Errorf("imported %q, want only Ann: the rest went into Bob's quote", names)
	}
	// A multi-line value that does not look like rows is no suspect.
	ok := "First Name,Email,Address\nEd,ed@x.example,\"1 Main St\nSpringfield\"\n"
	if res, err := Read(strings.NewReader(ok), Options{}); err != nil || len(res.Invalid) != 0 || len(res.Contacts) != 1 {
		t.Errorf("multi-line address: %+v %v", res, err)
	}
	p, err := Peek(strings.NewReader(in), Options{})
	if err != nil || len(p.Warnings) != 1 || !strings.Contains(p.Warnings[0], "unbalanced quote at line 3") {
		t.Errorf("preview warnings %q %v", p.Warnings, err)
	}
}

// Two columns that import as one field are named in the preview and the
// result.
func TestTrust07SameFieldColumnsReported(t *testing.T) {
	in := "Name,Email,Work Email,Mail\nAnn Lee,,ann@x.example,\n"
	want := []string{`columns "Email" and "Work Email" and "Mail" all import as email: each row keeps the first one that is not empty`}
	p, err := Peek(strings.NewReader(in), Options{})
	if err != nil || !slices.Equal(p.Warnings, want) {
		t.Errorf("preview warnings %q %v", p.Warnings, err)
	}
	res, err := Read(strings.NewReader(in), Options{})
	if err != nil || !slices.Equal(res.Warnings, want) || res.Contacts[0].Contact.Email != "ann@x.example" {
		t.Errorf("result %+v %v", res, err)
	}
	res, err = Read(strings.NewReader(in), Options{Map: map[string]string{"Mail": "custom.mail"}})
	if err != nil || !strings.Contains(strings.Join(res.Warnings, ""), `"Email" and "Work Email" both`) {
		t.Errorf("remapped: %q %v", res.Warnings, err)
	}
}

// A person without email who comes again, by name and company, case and
// accents aside, is a duplicate of the first row, not a second contact.
func TestTrust07NoEmailDuplicatesByNameAndCompany(t *testing.T) {
	in := "First Name,Last Name,Company,Email\n" +
		"Renée,Dupont,ACME,\n" +
		"renee,DUPONT,Acme ,\n" +
		"Renée,Dupont,Other,\n" +
		"Renée,Dupont,,\n"
	res := mustRead(t, in)
	if len(res.Contacts) != 3 || len(res.Duplicates) != 1 || res.Duplicates[0].Line != 3 ||
		res.Duplicates[0].Reason != "same name and company as line 2, no email" {
		t.Fatalf("contacts %d, duplicates %+v", len(res.Contacts), res.Duplicates)
	}
}

// Item 15: a rejected email is quoted as the file has it.
func TestTrust15RejectedEmailQuotedWhole(t *testing.T) {
	in := "Name,Email\nEve,Eve <a4@b.example>\nAl,<al@x.example>\nBo,<bo@nodomain>\n"
	res := mustRead(t, in)
	var reasons []string
	for _, r := range res.Invalid {
		reasons = append(reasons, r.Reason)
	}
	want := []string{`invalid email "Eve <a4@b.example>"`, `invalid email "<bo@nodomain>": no domain`}
	if !slices.Equal(reasons, want) || len(res.Contacts) != 1 || res.Contacts[0].Contact.Email != "al@x.example" {
		t.Errorf("reasons %q, contacts %+v", reasons, res.Contacts)
	}
}

// Control characters from a file never reach the contacts, and the ' an
// export puts before a formula-like cell is dropped again.
func TestTrust08ImportUndoesFormulaEscape(t *testing.T) {
	in := "Name,Email,Phone,Notes\n'=Eve Bad,eve@x.example,'+1 555,\"\x1b[31mred\x07 \u0085ok\"\n"
	res, err := Read(strings.NewReader(in), Options{})
	if err != nil || len(res.Contacts) != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	c := res.Contacts[0].Contact
	if c.FirstName != "=Eve" || c.Phone != "+1 555" || c.Custom["notes"] != "[31mred ok" {
		t.Errorf("contact %q %q %q", c.FirstName, c.Phone, c.Custom["notes"])
	}
}

func mustRead(t *testing.T, in string) *Result {
	t.Helper()
	res, err := Read(strings.NewReader(in), Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}
