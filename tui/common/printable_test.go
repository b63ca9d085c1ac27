package common

import "testing"

func TestBounceReason(t *testing.T) {
	for _, tt := range []struct{ status, diag, want string }{
		{"5.1.1", "User unknown", "5.1.1 User unknown"},
		{"5.1.1", "550 5.1.1 <a@b.example>: Recipient address rejected", "550 5.1.1 <a@b.example>: Recipient address rejected"},
		{"5.1.1", "", "5.1.1"},
		{"", "mailbox full", "mailbox full"},
	} {
		if got := BounceReason(tt.status, tt.diag); got != tt.want {
			t.Errorf("BounceReason(%q, %q) = %q, want %q", tt.status, tt.diag, got, tt.want)
		}
	}
}

func TestPrintable(t *testing.T) {
	tests := []struct{ in, want, text string }{
		{"Hello Ada", "Hello Ada", "Hello Ada"},
		{"\x1b]0;PWNED\x07\x1b[2J", " ]0;PWNED  [2J", " ]0;PWNED  [2J"},
		{"a\u009bb", "a b", "a b"},
		{"one\r\ntwo\rthree\tfour", "one  two three four", "one\ntwo\nthree    four"},
	}
	for _, tt := range tests {
		if got := Printable(tt.in); got != tt.want {
			t.Errorf("Printable(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := PrintableText(tt.in); got != tt.text {
			t.Errorf("PrintableText(%q) = %q, want %q", tt.in, got, tt.text)
		}
	}
}
