package mail

import (
	"bytes"
	"strings"
	"testing"

	gomail "github.com/emersion/go-message/mail"
)

// parseBack reads the header of a composed message as a recipient would.
func parseBack(t *testing.T, c *Composed) gomail.Header {
	t.Helper()
	r, err := gomail.CreateReader(bytes.NewReader(c.Raw))
	if err != nil {
		t.Fatalf("parse the message back: %v", err)
	}
	defer func() { _ = r.Close() }()
	return r.Header
}

// headerLines returns the raw header lines of a composed message.
func headerLines(c *Composed) []string {
	head, _, _ := strings.Cut(string(c.Raw), "\r\n\r\n")
	return strings.Split(head, "\r\n")
}

func TestTrust14EncodedWordsInDataDisplayLiterally(t *testing.T) {
	const trap = "=?utf-8?q?Bcc=3A_x=40y.com?="
	d := fullDraft()
	d.From = Address{Name: "Sam " + trap, Email: "sam@brightpath.example"}
	d.To = []Address{{Name: trap, Email: "jane@customer.example"}, {Name: "Joe", Email: "joe@customer.example"}}
	d.Subject = "Re: " + trap + " Grüße"
	d.Headers = map[string]string{"X-Campaign": trap}
	c := mustCompose(t, d)
	h := parseBack(t, c)

	if got, err := h.Subject(); err != nil || got != d.Subject {
		t.Errorf("Subject decodes to %q (%v), want %q", got, err, d.Subject)
	}
	if got, err := h.Text("X-Campaign"); err != nil || got != trap {
		t.Errorf("X-Campaign decodes to %q (%v), want %q", got, err, trap)
	}
	from, err := h.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Name != d.From.Name || from[0].Address != d.From.Email {
		t.Errorf("From decodes to %v (%v), want %q <%s>", from, err, d.From.Name, d.From.Email)
	}
	to, err := h.AddressList("To")
	if err != nil || len(to) != 2 || to[0].Name != trap || to[1].Name != "Joe" {
		t.Errorf("To decodes to %v (%v)", to, err)
	}
	if strings.Contains(string(c.Raw), "bcc=3a") || strings.Contains(string(c.Raw), "Bcc=3A") {
		t.Errorf("the encoded word from the data is in the message as is:\n%s", c.Raw)
	}
	if bcc := h.Get("Bcc"); bcc != "" {
		t.Errorf("a Bcc field appeared: %q", bcc)
	}
}

func TestTrust14LongHeadersFoldWithoutChangingWords(t *testing.T) {
	longWord := strings.Repeat("Ä", 400) + strings.Repeat("b", 1500) // no white space
	longName := strings.Repeat("x", 1200)
	manyWords := strings.TrimSpace(strings.Repeat("quarterly ", 150)) // folds at spaces
	d := fullDraft()
	d.Subject = manyWords + " " + longWord
	d.From = Address{Name: longName, Email: "sam@brightpath.example"}
	d.To = nil
	for i := range 40 {
		d.To = append(d.To, Address{Name: "Customer Number " + strings.Repeat("n", i+1), Email: "c" + strings.Repeat("x", i) + "@customer.example"})
	}
	c := mustCompose(t, d)
	for _, l := range headerLines(c) {
		if len(l) > 998 {
			t.Fatalf("a header line has %d octets: %.80q…", len(l), l)
		}
	}
	h := parseBack(t, c)
	if got, err := h.Subject(); err != nil || got != d.Subject {
		t.Errorf("Subject decodes changed (%v): got %d bytes, want %d", err, len(got), len(d.Subject))
	}
	from, err := h.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Name != longName {
		t.Errorf("From's long name does not decode to itself (%v)", err)
	}
	to, err := h.AddressList("To")
	if err != nil || len(to) != len(d.To) {
		t.Fatalf("To decodes to %d addresses (%v), want %d", len(to), err, len(d.To))
	}
	for i, a := range to {
		if a.Name != d.To[i].Name || a.Address != d.To[i].Email {
			t.Errorf("To[%d] = %q <%s>, want %q <%s>", i, a.Name, a.Address, d.To[i].Name, d.To[i].Email)
		}
	}
}

func TestTrust14EncodeWordsKeepsCharactersWhole(t *testing.T) {
	for _, s := range []string{"", "a", strings.Repeat("é", 100), strings.Repeat("日本", 50) + "=?x?=", "🙂" + strings.Repeat("z", 44) + "🙂"} {
		enc := encodeWords(s)
		for _, w := range strings.Fields(enc) {
			if len(w) > 75 {
				t.Errorf("encoded word of %d characters: %s", len(w), w)
			}
		}
		var h gomail.Header
		h.Set("Subject", enc)
		if got, err := h.Subject(); err != nil || got != s {
			t.Errorf("encodeWords(%q) decodes to %q (%v)", s, got, err)
		}
	}
}
