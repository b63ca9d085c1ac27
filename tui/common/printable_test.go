package common

import "testing"

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
