package mail

import (
	"reflect"
	"strings"
	"testing"
)

func TestInspectComposed(t *testing.T) {
	d := fullDraft()
	c := mustCompose(t, d)
	in, err := Inspect(c.Raw)
	if err != nil {
		t.Fatalf("Inspect: %v", err)
	}
	got := map[string]string{}
	var keys []string
	for _, h := range in.Headers {
		got[h.Key] = h.Value
		keys = append(keys, h.Key)
	}
	wantKeys := []string{"Content-Type", "Mime-Version", "Date", "From", "Reply-To", "To", "Cc", "Subject", "Message-Id", "X-Leadmail-Contact", "X-Mailer"}
	if !reflect.DeepEqual(keys, wantKeys) {
		t.Errorf("header keys = %q\nwant %q", keys, wantKeys)
	}
	want := map[string]string{
		"From":       `"Müller, Jürgen" <jm@brightpath.example>`,
		"To":         `"Doe, Jane (Sales)" <jane@customer.example>, joe@customer.example`,
		"Cc":         "Ann <ann@customer.example>",
		"Reply-To":   "Sales <sales@brightpath.example>",
		"Subject":    d.Subject,
		"Date":       "Thu, 26 Nov 2026 10:30:00 +0100",
		"Message-Id": "<" + c.MessageID + ">",
		"X-Mailer":   "leadmail",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	if in.Text != d.Body.Text || in.HTML != d.Body.HTML {
		t.Errorf("Text = %q, HTML = %q", in.Text, in.HTML)
	}
	wantAtts := []AttachmentInfo{
		{Filename: "Preisliste Ü.csv", ContentType: "text/csv", Size: 8},
		{Filename: "angebot.pdf", ContentType: "application/pdf", Size: 13},
	}
	if !reflect.DeepEqual(in.Attachments, wantAtts) {
		t.Errorf("Attachments = %+v, want %+v", in.Attachments, wantAtts)
	}
}

func TestInspectForeign(t *testing.T) {
	tests := []struct {
		name        string
		raw         string
		wantSubject string
		wantText    string
		wantHTML    string
		wantAtts    []AttachmentInfo
	}{
		{
			name: "latin-1 single part",
			raw: "From: =?iso-8859-1?q?J=FCrgen?= <j@x.example>\r\nSubject: =?iso-8859-1?q?Gr=FC=DFe?=\r\n" +
				"Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nK=F6ln\r\n",
			wantSubject: "Grüße", wantText: "Köln\n",
		},
		{
			name:        "windows-1252 8bit html",
			raw:         "Subject: plain\r\nContent-Type: text/html; charset=windows-1252\r\n\r\n<p>\x93quoted\x94 \x80</p>",
			wantSubject: "plain", wantHTML: "<p>\u201cquoted\u201d \u20ac</p>",
		},
		{
			name: "inline image counts as attachment",
			raw: "Subject: s\r\nContent-Type: multipart/related; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n" +
				"--b\r\nContent-Type: image/png; name=logo.png\r\nContent-Disposition: inline\r\nContent-Transfer-Encoding: base64\r\n\r\naGVsbG8=\r\n--b--\r\n",
			wantSubject: "s", wantText: "hi",
			wantAtts: []AttachmentInfo{{Filename: "logo.png", ContentType: "image/png", Size: 5}},
		},
		{
			name:        "unknown charset shown raw",
			raw:         "Subject: =?x-unknown?q?abc?=\r\nContent-Type: text/plain; charset=x-unknown\r\n\r\nbody",
			wantSubject: "=?x-unknown?q?abc?=", wantText: "body",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, err := Inspect([]byte(tt.raw))
			if err != nil {
				t.Fatalf("Inspect: %v", err)
			}
			var subject string
			for _, h := range in.Headers {
				if h.Key == "Subject" {
					subject = h.Value
				}
			}
			if subject != tt.wantSubject || in.Text != tt.wantText || in.HTML != tt.wantHTML {
				t.Errorf("Subject %q Text %q HTML %q\nwant    %q      %q      %q", subject, in.Text, in.HTML, tt.wantSubject, tt.wantText, tt.wantHTML)
			}
			if !reflect.DeepEqual(in.Attachments, tt.wantAtts) {
				t.Errorf("Attachments = %+v, want %+v", in.Attachments, tt.wantAtts)
			}
		})
	}
}

func TestInspectMalformed(t *testing.T) {
	_, err := Inspect([]byte(" leading space is not a header\r\n\r\nbody"))
	if err == nil || !strings.HasPrefix(err.Error(), "read message") {
		t.Errorf("Inspect(malformed) error = %v", err)
	}
}
