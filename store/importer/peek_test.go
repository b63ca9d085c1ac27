package importer

import (
	"slices"
	"strings"
	"testing"
)

func TestPeekCSV(t *testing.T) {
	in := "\ufeffRecord ID;First Name;Last Name;Email;Lifecycle Stage;Fax #;  \r\n" +
		"1;José;Núñez;jose@example.com;lead;;\r\n" +
		"\r\n" +
		"2;Ann;\"Lee\nSmith\";ann@example.com;customer;+1 555;\r\n" +
		"3;Bo;Ek;bo@example.com;;;\r\n"
	p, err := Peek(strings.NewReader(in), Options{Map: map[string]string{"fax #": "phone"}})
	if err != nil {
		t.Fatal(err)
	}
	if p.Format != FormatCSV || p.Source != "hubspot" {
		t.Errorf("format %s source %s", p.Format, p.Source)
	}
	// Three records: the blank one is not counted, the one with a quoted
	// newline once.
	if p.Rows != 3 {
		t.Errorf("rows %d, want 3", p.Rows)
	}
	for _, c := range []struct {
		name string
		got  []string
		want []string
	}{
		{"header", p.Header, []string{"Record ID", "First Name", "Last Name", "Email", "Lifecycle Stage", "Fax #", ""}},
		{"fields", p.Fields, []string{"custom.record_id", "first_name", "last_name", "email", "custom.lifecycle_stage", "phone", "-"}},
		{"custom", p.Custom, []string{"custom.record_id", "custom.first_name", "custom.last_name", "custom.email", "custom.lifecycle_stage", "custom.fax", ""}},
		{"samples", p.Samples, []string{"1", "José", "Núñez", "jose@example.com", "lead", "+1 555", ""}},
	} {
		if !slices.Equal(c.got, c.want) {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	// What Peek says is what Read does.
	res, err := Read(strings.NewReader(in), Options{Map: map[string]string{"fax #": "phone"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Source != p.Source || res.Read != 3 || res.Contacts[1].Contact.Phone != "+1 555" {
		t.Errorf("read: source %s, %d rows, %+v", res.Source, res.Read, res.Contacts)
	}
}

func TestPeekVCardAndErrors(t *testing.T) {
	vcf := "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Lee\r\nEMAIL:ann@example.com\r\nEND:VCARD\r\n" +
		"BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Bo Ek\r\nEND:VCARD\r\n"
	p, err := Peek(strings.NewReader(vcf), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Format != FormatVCard || p.Rows != 2 || p.Header != nil {
		t.Errorf("vcard preview %+v", p)
	}
	if _, err := Peek(strings.NewReader(""), Options{}); err == nil {
		t.Error("empty file: no error")
	}
	if _, err := Peek(strings.NewReader("a,b\n1,2\n"), Options{Map: map[string]string{"a": "nonsense"}}); err == nil {
		t.Error("bad --map field: no error")
	}
}
