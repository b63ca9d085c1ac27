package outbox_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/leadmail/leadmail/mail/outbox"
)

func TestParseFrontMatter(t *testing.T) {
	src := "---\nname: Intro call\nsubject: \"Hello {{first_name}}: a note\"\ntags: [intro, \"q4, west\", Ünïcode]\nsmart_mail: true\n# a comment\n---\nHi **{{first_name}}**,\n\n---\nnot front matter\n"
	f, err := outbox.ParseFrontMatter([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := outbox.EmailFile{Name: "Intro call", Subject: "Hello {{first_name}}: a note",
		Tags: []string{"intro", "q4, west", "Ünïcode"}, SmartMail: true,
		Body: "Hi **{{first_name}}**,\n\n---\nnot front matter\n"}
	if !reflect.DeepEqual(f, want) {
		t.Fatalf("got %+v\nwant %+v", f, want)
	}
	if n := outbox.BodyLineOffset([]byte(src), f); n != 7 {
		t.Errorf("body line offset = %d, want 7", n)
	}
	back, err := outbox.ParseFrontMatter(f.Marshal())
	if err != nil || !reflect.DeepEqual(back, f) {
		t.Fatalf("round trip: %+v, %v\n%s", back, err, f.Marshal())
	}
	for name, tc := range map[string]struct {
		src  string
		line int
	}{
		"no front matter": {"Hello", 1},
		"unclosed":        {"---\nsubject: x\n", 3},
		"unknown key":     {"---\nsubject: x\nfrom: y\n---\n", 3},
		"twice":           {"---\nsubject: x\nsubject: y\n---\n", 3},
		"bad bool":        {"---\nsmart_mail: yes please\n---\n", 2},
		"bad tags":        {"---\ntags: a, b\n---\n", 2},
		"bad quote":       {"---\nsubject: \"x\n---\n", 2},
		"no colon":        {"---\nsubject\n---\n", 2},
	} {
		_, err := outbox.ParseFrontMatter([]byte(tc.src))
		var fe *outbox.FrontMatterError
		if !errors.As(err, &fe) || fe.Line != tc.line {
			t.Errorf("%s: %v, want an error on line %d", name, err, tc.line)
		}
	}
}

// FuzzParseFrontMatter: parsing never panics, and whatever parses survives
// Marshal and a second parse unchanged.
func FuzzParseFrontMatter(f *testing.F) {
	for _, s := range []string{
		"---\nsubject: Hi\n---\nBody",
		"---\r\nname: \"a\\nb\"\r\nsubject: x\r\ntags: []\r\nsmart_mail: false\r\n---\r\n",
		"---\ntags: [\"a,b\", c ,d]\n---\n",
		"---\n---\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ef, err := outbox.ParseFrontMatter(data)
		if err != nil {
			return
		}
		out := ef.Marshal()
		back, err := outbox.ParseFrontMatter(out)
		if err != nil {
			t.Fatalf("Marshal output does not parse: %v\n%q", err, out)
		}
		if len(ef.Tags) == 0 {
			ef.Tags = nil
		}
		if !reflect.DeepEqual(back, ef) {
			t.Fatalf("round trip changed it:\n%#v\n%#v", ef, back)
		}
		if !strings.HasPrefix(string(out), "---\n") {
			t.Fatal("no front matter written")
		}
	})
}
