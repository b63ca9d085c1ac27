package mail

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// ourSend is the Message-ID of the leadmail send the test messages answer.
const ourSend = "k7q2m4x9w3zt5p8r@mail.acme-crm.example"

func readEML(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "inbound", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func parseEML(t testing.TB, name string, limit int) Inbound {
	t.Helper()
	in, err := ParseInbound(bytes.NewReader(readEML(t, name)), limit)
	if err != nil {
		t.Fatalf("ParseInbound(%s): %v", name, err)
	}
	return in
}

func date(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestParseInboundMessages(t *testing.T) {
	tests := []struct {
		file          string
		messageID     string
		inReplyTo     []string
		from          Address
		to            []Address
		cc            []Address
		subject       string
		date          string
		kind          InboundKind
		until         string // AutoReplyUntil, RFC 3339 day
		bounce        *Bounce
		textHas       []string
		textHasNot    []string
		truncated     bool
		attachments   []InboundAttachment
		notesHave     []string
		notesAreEmpty bool
	}{
		{
			file: "gmail_reply.eml", messageID: "CAF3x+9kQv2Lm7p0=Yw8nRk2-dE4hTq@mail.gmail.com",
			inReplyTo: []string{ourSend},
			from:      Address{Name: "Jane Doe", Email: "jane.doe@globex.example"},
			to:        []Address{{Name: "Sam Seller", Email: "sam@acme-crm.example"}},
			cc:        []Address{{Name: "Smith, Bob", Email: "bob.smith@globex.example"}},
			subject:   "Re: Angebot für Globex", date: "2026-12-05T10:14:39+01:00", kind: InboundOrdinary,
			textHas:       []string{"Hi Sam,\n\nthanks, the offer looks good.", "Jürgen from our team", "4:02\u202fPM Sam Seller", "> here is the offer we discussed."},
			textHasNot:    []string{"<div", "=C3"},
			notesAreEmpty: true,
		},
		{
			file: "outlook_html_only.eml", inReplyTo: []string{ourSend},
			from:    Address{Name: "François Müller", Email: "fm@initech.example"},
			subject: "RE: Your trial", date: "2026-12-05T09:30:05Z", kind: InboundOrdinary,
			textHas:       []string{"Hello Sam,\n\nwe’d like to go ahead with the “Pro” plan for 25 seats – please send the contract.", "Best regards\n\nFrançois Müller", "From: Sam Seller <sam@acme-crm.example>\nSent: Friday"},
			textHasNot:    []string{"MsoNormal", "<p", "&nbsp;", "behavior:url", "Calibri", "\r"},
			notesAreEmpty: true,
		},
		{
			file: "exchange_ooo.eml", inReplyTo: []string{ourSend},
			from:    Address{Name: "Alice Wong", Email: "alice.wong@umbrella.example"},
			subject: "Automatic reply: Quick question about your CRM rollout", date: "2026-12-05T11:00:02+01:00",
			kind: InboundAutoReply, until: "2026-12-14T00:00:00+01:00",
			textHas: []string{"returning Monday, December 14"},
		},
		{
			file: "abwesenheitsnotiz.eml", inReplyTo: []string{ourSend},
			from:    Address{Name: "Klaus Becker", Email: "k.becker@hooli.example"},
			subject: "Abwesenheitsnotiz: Ihr Angebot", date: "2026-12-05T08:12:44+01:00",
			kind: InboundAutoReply, until: "2026-12-14T00:00:00+01:00",
			textHas: []string{"bis zum 14.12.2026 nicht im Büro", "Grüßen"},
		},
		{
			file: "postfix_dsn_511.eml", from: Address{Name: "Mail Delivery System", Email: "mailer-daemon@mail.acme-crm.example"},
			subject: "Undelivered Mail Returned to Sender", date: "2026-12-05T12:01:07+01:00", kind: InboundBounce,
			bounce: &Bounce{Recipient: "nobody@initrode.example", Action: "failed", Status: "5.1.1", Permanent: true,
				Diagnostic:        "550 5.1.1 <nobody@initrode.example>: Recipient address rejected: User unknown in virtual mailbox table",
				OriginalMessageID: ourSend},
			textHas: []string{"This is the mail system at host mail.acme-crm.example."},
		},
		{
			file: "delayed_dsn_441.eml", kind: InboundBounce, subject: "Delayed Mail (still being retried)",
			from: Address{Name: "Mail Delivery System", Email: "mailer-daemon@mail.acme-crm.example"}, date: "2026-12-05T16:05:22+01:00",
			bounce: &Bounce{Recipient: "ops@vandelay.example", Action: "delayed", Status: "4.4.1", Permanent: false,
				Diagnostic: "connect to mx.vandelay.example[192.0.2.44]:25: Connection timed out", OriginalMessageID: "d3l4y3d9x2@mail.acme-crm.example"},
			attachments: []InboundAttachment{{Type: "message/rfc822", Size: 302}},
			textHas:     []string{"THIS IS A WARNING ONLY"},
		},
		{
			file: "exchange_ndr.eml", kind: InboundBounce, subject: "Undeliverable: Meeting next week",
			inReplyTo: []string{"ndr-original-7x2k@mail.acme-crm.example"},
			from:      Address{Email: "postmaster@acme-crm.example"}, date: "2026-12-05T13:20:41Z",
			bounce: &Bounce{Recipient: "gone@massive-dynamic.example", Action: "failed", Status: "5.1.10", Permanent: true,
				Diagnostic: "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup", OriginalMessageID: "ndr-original-7x2k@mail.acme-crm.example"},
			attachments: []InboundAttachment{{Type: "message/rfc822", Size: 478}},
			textHas:     []string{"Your message to gone@massive-dynamic.example", "couldn't be delivered.\n\ngone wasn't found", "Sam Seller Office 365 gone"},
		},
		{
			file: "plain_bounce_qmail.eml", kind: InboundBounce, subject: "failure notice",
			from: Address{Email: "mailer-daemon@mx.oldhost.example"}, date: "2026-12-04T22:10:05Z",
			bounce: &Bounce{Recipient: "ghost@oldhost.example", Action: "failed", Status: "5.1.1", Permanent: true,
				Diagnostic: "Sorry, no mailbox here by that name. (#5.1.1)", OriginalMessageID: "qmail-orig-55@mail.acme-crm.example"},
			textHas: []string{"Below this line is a copy of the message."},
		},
		{
			file: "latin1_header.eml", messageID: "4d2c1b0a.8e7f6a5b@soylent.example",
			from:    Address{Name: "Jürgen Müller", Email: "jm@soylent.example"},
			subject: "Rückfrage zu Ihrem Angebot – Preise für 2027", date: "2026-12-04T17:45:00+01:00", kind: InboundOrdinary,
			textHas:   []string{"können Sie mir die Preise für 2027 schicken? Grüße, Jürgen Müller"},
			notesHave: []string{"From has 8-bit bytes that are not UTF-8: read as Latin-1.", "Subject has 8-bit bytes"},
		},
		{
			file: "unknown_charset.eml", from: Address{Name: "Worf", Email: "worf@qonos.example"},
			subject: "Qapla' pricing", date: "2026-12-03T20:00:00Z", kind: InboundOrdinary,
			textHas:   []string{"nuqneH. We want your CRM for the whole fleet."},
			notesHave: []string{`Unknown charset "x-klingon": its text is shown as is.`},
		},
		{
			file: "no_message_id.eml", messageID: "", from: Address{Name: "Pat Lee", Email: "pat@stark.example"},
			subject: "quick one", date: "2026-12-02T09:01:00-05:00", kind: InboundOrdinary,
			textHas: []string{"Is the demo still on for Friday?"}, notesAreEmpty: true,
		},
		{
			file: "broken_mime.eml", from: Address{Name: "Lee Park", Email: "lee@wayne.example"},
			subject: "Contract attached", date: "2026-12-01T14:22:10Z", kind: InboundOrdinary,
			textHas: []string{"Here is the signed contract.\n\nLee"}, truncated: true,
			attachments: []InboundAttachment{{Name: "contract.pdf", Type: "application/pdf", Size: 114}},
			notesHave:   []string{"The message ends before its MIME structure does"},
		},
		{
			file: "attachments.eml", from: Address{Name: "Ng, Mei", Email: "mei.ng@cyberdyne.example"},
			subject: "Requirements and logo", date: "2026-11-30T08:00:00Z", kind: InboundOrdinary,
			textHas: []string{"Please find our requirements attached."},
			attachments: []InboundAttachment{
				{Name: "Anforderungen übersicht.docx", Type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", Size: 1004},
				{Name: "logo groß.png", Type: "image/png", Size: 8},
			},
			notesAreEmpty: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			in := parseEML(t, tt.file, 0)
			if tt.messageID != "" || tt.file == "no_message_id.eml" {
				if in.MessageID != tt.messageID {
					t.Errorf("MessageID = %q, want %q", in.MessageID, tt.messageID)
				}
			}
			if tt.inReplyTo != nil && !reflect.DeepEqual(in.InReplyTo, tt.inReplyTo) {
				t.Errorf("InReplyTo = %q, want %q", in.InReplyTo, tt.inReplyTo)
			}
			if len(in.From) != 1 || in.From[0] != tt.from {
				t.Errorf("From = %+v, want %+v", in.From, tt.from)
			}
			if tt.to != nil && !reflect.DeepEqual(in.To, tt.to) {
				t.Errorf("To = %+v, want %+v", in.To, tt.to)
			}
			if tt.cc != nil && !reflect.DeepEqual(in.Cc, tt.cc) {
				t.Errorf("Cc = %+v, want %+v", in.Cc, tt.cc)
			}
			if in.Subject != tt.subject {
				t.Errorf("Subject = %q, want %q", in.Subject, tt.subject)
			}
			if !in.Date.Equal(date(tt.date)) {
				t.Errorf("Date = %v, want %v", in.Date, tt.date)
			}
			if in.Kind != tt.kind {
				t.Errorf("Kind = %q, want %q", in.Kind, tt.kind)
			}
			var until time.Time
			if tt.until != "" {
				until = date(tt.until)
			}
			if !in.AutoReplyUntil.Equal(until) {
				t.Errorf("AutoReplyUntil = %v, want %v", in.AutoReplyUntil, until)
			}
			if !reflect.DeepEqual(in.Bounce, tt.bounce) {
				t.Errorf("Bounce = %+v, want %+v", in.Bounce, tt.bounce)
			}
			for _, s := range tt.textHas {
				if !strings.Contains(in.Text, s) {
					t.Errorf("Text lacks %q:\n%s", s, in.Text)
				}
			}
			for _, s := range tt.textHasNot {
				if strings.Contains(in.Text, s) {
					t.Errorf("Text has %q:\n%s", s, in.Text)
				}
			}
			if in.Truncated != tt.truncated {
				t.Errorf("Truncated = %v, want %v", in.Truncated, tt.truncated)
			}
			if !reflect.DeepEqual(in.Attachments, tt.attachments) {
				t.Errorf("Attachments = %+v, want %+v", in.Attachments, tt.attachments)
			}
			for _, s := range tt.notesHave {
				if !strings.Contains(strings.Join(in.Notes, "\n"), s) {
					t.Errorf("Notes lack %q: %q", s, in.Notes)
				}
			}
			if tt.notesAreEmpty && len(in.Notes) > 0 {
				t.Errorf("Notes = %q, want none", in.Notes)
			}
		})
	}
}

// headerOnly cuts a message after its header, as an IMAP header fetch of
// the listed fields returns it.
func headerOnly(t testing.TB, raw []byte, fields []string) []byte {
	t.Helper()
	end := bytes.Index(raw, []byte("\r\n\r\n"))
	sep := "\r\n"
	if end < 0 {
		end, sep = bytes.Index(raw, []byte("\n\n")), "\n"
	}
	if end < 0 {
		t.Fatal("no header end")
	}
	keep := map[string]bool{}
	for _, f := range fields {
		keep[strings.ToLower(f)] = true
	}
	var out []string
	on := false
	for _, line := range strings.Split(string(raw[:end]), sep) {
		if line != "" && (line[0] == ' ' || line[0] == '\t') {
			if on {
				out = append(out, line)
			}
			continue
		}
		name, _, _ := strings.Cut(line, ":")
		on = keep[strings.ToLower(strings.TrimSpace(name))]
		if on {
			out = append(out, line)
		}
	}
	return []byte(strings.Join(out, "\r\n") + "\r\n\r\n")
}

// TestParseInboundHeaderFields: the header fields InboundHeaderFields
// names are enough: parsing only them gives what parsing the whole message
// gives for every header-level field and for the kind.
func TestParseInboundHeaderFields(t *testing.T) {
	files, err := filepath.Glob("testdata/inbound/*.eml")
	if err != nil || len(files) < 10 {
		t.Fatalf("test messages: %v, %d", err, len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			raw := readEML(t, filepath.Base(f))
			whole := parseEML(t, filepath.Base(f), 0)
			h, err := ParseInboundHeader(bytes.NewReader(headerOnly(t, raw, InboundHeaderFields())))
			if err != nil {
				t.Fatal(err)
			}
			if h.MessageID != whole.MessageID || !reflect.DeepEqual(h.InReplyTo, whole.InReplyTo) ||
				!reflect.DeepEqual(h.References, whole.References) || !reflect.DeepEqual(h.From, whole.From) ||
				!reflect.DeepEqual(h.To, whole.To) || !reflect.DeepEqual(h.Cc, whole.Cc) ||
				h.Subject != whole.Subject || !h.Date.Equal(whole.Date) {
				t.Errorf("header fields differ:\nheader %+v\nwhole  %+v", h, whole)
			}
			// a mailer-daemon's mail whose body has no delivery status is
			// settled only by the body; every test message has one
			if h.Kind != whole.Kind {
				t.Errorf("Kind from the header = %q, from the whole message %q", h.Kind, whole.Kind)
			}
			if h.Bounce != nil || h.Text != "" || h.Attachments != nil {
				t.Errorf("a header parse filled body fields: %+v", h)
			}
			// the whole message given to ParseInboundHeader stops at its header
			h2, err := ParseInboundHeader(bytes.NewReader(raw))
			if err != nil || h2.MessageID != whole.MessageID || h2.Subject != whole.Subject {
				t.Errorf("ParseInboundHeader(whole message) = %+v, %v", h2, err)
			}
		})
	}
}

func TestParseInboundHeaderKinds(t *testing.T) {
	tests := []struct {
		name, header string
		want         InboundKind
	}{
		{"plain", "Subject: Re: offer\r\n", InboundOrdinary},
		{"auto-submitted no", "Auto-Submitted: no\r\nSubject: Re: offer\r\n", InboundOrdinary},
		{"auto-submitted replied", "Auto-Submitted: auto-replied; owner-email=\"a@b.example\"\r\n", InboundAutoReply},
		{"auto-submitted generated", "Auto-Submitted: Auto-Generated (vacation)\r\n", InboundAutoReply},
		{"x-autoreply", "X-Autoreply: yes\r\n", InboundAutoReply},
		{"x-autorespond", "X-Autorespond: Re: offer\r\n", InboundAutoReply},
		{"precedence bulk", "Precedence: bulk\r\n", InboundAutoReply},
		{"precedence junk", "Precedence: junk\r\n", InboundAutoReply},
		{"precedence auto_reply", "Precedence: auto_reply\r\n", InboundAutoReply},
		{"precedence list", "Precedence: list\r\n", InboundOrdinary},
		{"read receipt", "Content-Type: multipart/report; report-type=disposition-notification; boundary=x\r\n", InboundAutoReply},
		{"dsn", "Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary=\"b\"\r\n", InboundBounce},
		{"dsn over auto-submitted", "Auto-Submitted: auto-replied\r\nContent-Type: multipart/report; report-type=\"delivery-status\"; boundary=b\r\n", InboundBounce},
		{"exim", "X-Failed-Recipients: ghost@x.example\r\n", InboundBounce},
		{"mailer-daemon", "From: Mail Delivery Subsystem <MAILER-DAEMON@googlemail.example>\r\n", InboundBounce},
		{"postmaster", "From: postmaster@outlook.example\r\n", InboundBounce},
		{"out of office", "Subject: Out of Office: Re: offer\r\n", InboundAutoReply},
		{"automatic reply", "Subject: Automatic reply: offer\r\n", InboundAutoReply},
		{"abwesenheitsnotiz", "Subject: Abwesenheitsnotiz: Ihr Angebot\r\n", InboundAutoReply},
		{"absence fr", "Subject: Absence: votre offre\r\n", InboundAutoReply},
		{"réponse automatique", "Subject: =?utf-8?q?R=C3=A9ponse_automatique=C2=A0:_votre_offre?=\r\n", InboundAutoReply},
		{"réponse automatique nfd", "Subject: =?utf-8?q?Re=CC=81ponse_automatique_:_votre_offre?=\r\n", InboundAutoReply},
		{"respuesta automática", "Subject: =?utf-8?q?Respuesta_autom=C3=A1tica:_su_oferta?=\r\n", InboundAutoReply},
		{"afwezig", "Subject: Afwezig\r\n", InboundAutoReply},
		{"afwezig nl", "Subject: Afwezig: uw offerte\r\n", InboundAutoReply},
		{"lotus", "Subject: Jane Doe is out of the office.\r\n", InboundAutoReply},
		{"a person's reply to an ooo", "Subject: Re: Out of Office: offer\r\n", InboundOrdinary},
		{"absence policy", "Subject: Absence policy for 2027\r\n", InboundOrdinary},
		{"urlaubsplanung", "Subject: Urlaubsplanung 2027\r\n", InboundOrdinary},
		{"out of officers", "Subject: Out of officers we have two left\r\n", InboundOrdinary},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, err := ParseInboundHeader(strings.NewReader("From: a@b.example\r\n" + tt.header + "\r\n"))
			if tt.name == "mailer-daemon" || tt.name == "postmaster" {
				in, err = ParseInboundHeader(strings.NewReader(tt.header + "\r\n"))
			}
			if err != nil {
				t.Fatal(err)
			}
			if in.Kind != tt.want {
				t.Errorf("Kind = %q, want %q (subject %q)", in.Kind, tt.want, in.Subject)
			}
		})
	}
}

// TestParseInboundDaemonWithoutStatus: mail from a mailer-daemon that
// holds no delivery status is an automatic message, never a bounce
// without a status, and never a reply.
func TestParseInboundDaemonWithoutStatus(t *testing.T) {
	raw := "From: MAILER-DAEMON@mx.example\r\nSubject: Your mailbox is almost full\r\nIn-Reply-To: <" + ourSend + ">\r\n\r\nPlease clean up your mailbox.\r\n"
	in, err := ParseInbound(strings.NewReader(raw), 0)
	if err != nil {
		t.Fatal(err)
	}
	if in.Kind != InboundAutoReply || in.Bounce != nil {
		t.Errorf("Kind = %q, Bounce = %+v; want auto_reply, nil", in.Kind, in.Bounce)
	}
}

func TestParseInboundReferences10000(t *testing.T) {
	var b strings.Builder
	b.WriteString("From: jane@globex.example\r\nSubject: Re: long thread\r\nReferences:")
	for i := range 10000 {
		fmt.Fprintf(&b, " <thread-%05d.abcdefghijklmnop@mail.globex.example>\r\n", i)
	}
	b.WriteString("In-Reply-To: <thread-09999.abcdefghijklmnop@mail.globex.example>\r\n\r\n")
	for _, parse := range []func(io.Reader) (Inbound, error){
		ParseInboundHeader,
		func(r io.Reader) (Inbound, error) { return ParseInbound(r, 0) },
	} {
		start := time.Now()
		in, err := parse(strings.NewReader(b.String()))
		if err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("10,000 References took %v", d)
		}
		if len(in.References) != MaxReferences {
			t.Fatalf("kept %d references, want %d", len(in.References), MaxReferences)
		}
		if in.References[0] != "thread-00000.abcdefghijklmnop@mail.globex.example" ||
			in.References[1] != "thread-09901.abcdefghijklmnop@mail.globex.example" ||
			in.References[MaxReferences-1] != "thread-09999.abcdefghijklmnop@mail.globex.example" {
			t.Errorf("kept %q ... %q", in.References[:2], in.References[MaxReferences-1])
		}
		if len(in.InReplyTo) != 1 || in.Subject != "Re: long thread" {
			t.Errorf("fields after References: %q %q", in.InReplyTo, in.Subject)
		}
		if !strings.Contains(strings.Join(in.Notes, " "), "References names 10000 messages") {
			t.Errorf("Notes = %q", in.Notes)
		}
	}
}

// bigMessage streams a message of a text part and a base64 attachment of
// size bytes without holding it in memory.
func bigMessage(size int64) io.Reader {
	head := "From: Lee Park <lee@wayne.example>\r\nTo: sam@acme-crm.example\r\nSubject: The video\r\n" +
		"Date: Tue, 1 Dec 2026 14:22:10 +0000\r\nMessage-ID: <big.1@wayne.example>\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=\"big\"\r\n\r\n--big\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
		"Here is the product video.\r\n\r\nLee\r\n--big\r\nContent-Type: video/mp4\r\n" +
		"Content-Disposition: attachment; filename=\"demo.mp4\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
	line := []byte(strings.Repeat("QUJD", 19) + "\r\n") // 57 decoded bytes
	n := size / 57
	body := &repeatReader{line: line, left: n * int64(len(line))}
	return io.MultiReader(strings.NewReader(head), body, strings.NewReader("--big--\r\n"))
}

type repeatReader struct {
	line []byte
	left int64
	off  int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.left == 0 {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) && r.left > 0 {
		c := copy(p[n:], r.line[r.off:])
		if int64(c) > r.left {
			c = int(r.left)
		}
		n += c
		r.left -= int64(c)
		r.off = (r.off + c) % len(r.line)
	}
	return n, nil
}

func TestParseInboundPartialPrefix(t *testing.T) {
	const size = 50 << 20
	prefix := io.LimitReader(bigMessage(size), 1<<20) // what a 1 MB partial fetch returns
	in, err := ParseInbound(prefix, 0)
	if err != nil {
		t.Fatal(err)
	}
	if in.Text != "Here is the product video.\n\nLee" || !in.Truncated {
		t.Errorf("Text = %q, Truncated = %v", in.Text, in.Truncated)
	}
	if len(in.Attachments) != 1 || in.Attachments[0].Name != "demo.mp4" || in.Attachments[0].Size < 600<<10 || in.Attachments[0].Size >= size {
		t.Errorf("Attachments = %+v", in.Attachments)
	}
	if !strings.Contains(strings.Join(in.Notes, " "), "cut off") {
		t.Errorf("Notes = %q", in.Notes)
	}
}

// TestParseInboundWhole50MB streams a 50 MB message: nothing of the
// attachment is kept, its size is exact.
func TestParseInboundWhole50MB(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 50 MB")
	}
	const size = 50 << 20
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	in, err := ParseInbound(bigMessage(size), 0)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	want := int64(size / 57 * 57)
	if in.Truncated || len(in.Attachments) != 1 || in.Attachments[0].Size != want || len(in.Notes) != 0 {
		t.Errorf("Truncated = %v, Attachments = %+v (want size %d), Notes = %q", in.Truncated, in.Attachments, want, in.Notes)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8<<20 {
		t.Errorf("reading 50 MB allocated %d MB", alloc>>20)
	}
}

func TestParseInboundTextLimit(t *testing.T) {
	body := strings.Repeat("Grüße ", 100) // 7 bytes each
	raw := "From: a@b.example\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body
	for _, limit := range []int{1, 2, 3, 50, 99, 100, 101, 699, 700} {
		in, err := ParseInbound(strings.NewReader(raw), limit)
		if err != nil {
			t.Fatal(err)
		}
		want := strings.TrimSpace(body)
		if len(want) > limit {
			n := limit
			for !utf8.RuneStart(want[n]) {
				n--
			}
			want = want[:n]
		}
		if in.Text != want || in.Truncated != (len(strings.TrimSpace(body)) > limit) {
			t.Errorf("limit %d: Text = %q (%d bytes), Truncated = %v", limit, in.Text, len(in.Text), in.Truncated)
		}
	}
	// the HTML alternative is capped the same way
	html := "From: a@b.example\r\nContent-Type: text/html\r\n\r\n<p>" + strings.Repeat("word ", 5000) + "</p>"
	in, _ := ParseInbound(strings.NewReader(html), 1000)
	if len(in.Text) > 1000 || !in.Truncated || !strings.HasPrefix(in.Text, "word word") {
		t.Errorf("HTML: %d bytes, Truncated = %v", len(in.Text), in.Truncated)
	}
}

func TestParseInboundControlCharacters(t *testing.T) {
	raw := "From: =?utf-8?q?Ev=00il_=1B=5B31mName?= <evil@x.example>\r\n" +
		"Subject: =?utf-8?q?Hi=00_there=1B[2J=0D=0Anext?=\r\n" +
		"Message-ID: <id\x01with\x7fctl@x.example>\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n\r\nbody\x00 with \x1b[31m escape\r\n"
	in, err := ParseInbound(strings.NewReader(raw), 0)
	if err != nil {
		t.Fatal(err)
	}
	if in.Subject != "Hi there\x1b[2J\r\nnext" {
		t.Errorf("Subject = %q (NUL goes, the rest stays for the display layer to escape)", in.Subject)
	}
	if len(in.From) != 1 || in.From[0].Name != "Evil \x1b[31mName" {
		t.Errorf("From = %q", in.From)
	}
	if in.Text != "body with \x1b[31m escape" {
		t.Errorf("Text = %q", in.Text)
	}
	if in.MessageID != "idwithctl@x.example" {
		t.Errorf("MessageID = %q", in.MessageID)
	}
}

func TestParseInboundAddressRecovery(t *testing.T) {
	tests := []struct {
		name, field string
		want        []Address
		note        string
	}{
		{"good", `"Doe, Jane" <Jane@X.example>, bob@y.example`, []Address{{Name: "Doe, Jane", Email: "jane@x.example"}, {Email: "bob@y.example"}}, ""},
		{"unquoted comma name", `Doe, Jane <jane@x.example>, bob@y.example`, []Address{{Name: "Jane", Email: "jane@x.example"}, {Email: "bob@y.example"}}, `"Doe" is not an address`},
		{"bad item kept out", `jane@x.example, not an address, bob@y.example`, []Address{{Email: "jane@x.example"}, {Email: "bob@y.example"}}, `"not an address" is not an address: skipped`},
		{"brackets only", `<jane@x.example>`, []Address{{Email: "jane@x.example"}}, ""},
		{"broken name", `Jane "The Boss <jane@x.example>`, []Address{{Name: "Jane \"The Boss", Email: "jane@x.example"}}, "is not a well-formed address"},
		{"dots in name", `J. R. Doe <jrd@x.example>`, []Address{{Name: "J. R. Doe", Email: "jrd@x.example"}}, ""},
		{"group", `undisclosed-recipients:;`, []Address{}, ""},
		{"semicolons", `jane@x.example; bob@y.example`, []Address{{Email: "jane@x.example"}, {Email: "bob@y.example"}}, ""},
		{"encoded unknown charset", `=?x-foo?q?Jane?= <jane@x.example>`, []Address{{Name: "Jane", Email: "jane@x.example"}}, "Unknown charset"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, err := ParseInboundHeader(strings.NewReader("To: " + tt.field + "\r\n\r\n"))
			if err != nil {
				t.Fatal(err)
			}
			got := in.To
			if got == nil {
				got = []Address{}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("To = %+v, want %+v", got, tt.want)
			}
			notes := strings.Join(in.Notes, "\n")
			if (tt.note == "") != (notes == "") || !strings.Contains(notes, tt.note) {
				t.Errorf("Notes = %q, want one with %q", in.Notes, tt.note)
			}
		})
	}
}

func TestParseInboundMalformedHeader(t *testing.T) {
	raw := "From jane@x.example Sat Dec  5 10:00:00 2026\r\n" + // an mbox separator
		"From: Jane <jane@x.example>\r\n" +
		"this line is no header field\r\n" +
		"Subject: still read\r\n" +
		"Message-ID: 12345@no-brackets.example\r\n" +
		"Date: someday\r\n" +
		"\r\nThe body.\r\n"
	in, err := ParseInbound(strings.NewReader(raw), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(in.From) != 1 || in.From[0].Email != "jane@x.example" || in.Subject != "still read" ||
		in.MessageID != "12345@no-brackets.example" || !in.Date.IsZero() || in.Text != "The body." {
		t.Errorf("got %+v", in)
	}
	notes := strings.Join(in.Notes, "\n")
	for _, want := range []string{"A header line that is not a header field was skipped.", "Message-ID has no angle brackets", `The Date "someday" could not be read.`} {
		if !strings.Contains(notes, want) {
			t.Errorf("Notes lack %q: %q", want, in.Notes)
		}
	}
}

type failingReader struct {
	r   io.Reader
	err error
}

func (f *failingReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF {
		return n, f.err
	}
	return n, err
}

func TestParseInboundReaderFails(t *testing.T) {
	raw := readEML(t, "gmail_reply.eml")
	boom := errors.New("connection reset")
	for _, cut := range []int{200, len(raw) / 2} {
		in, err := ParseInbound(&failingReader{r: bytes.NewReader(raw[:cut]), err: boom}, 0)
		if !errors.Is(err, boom) || !in.Truncated {
			t.Errorf("cut %d: err = %v, Truncated = %v", cut, err, in.Truncated)
		}
		_, err = ParseInboundHeader(&failingReader{r: bytes.NewReader(raw[:cut]), err: boom})
		if cut == 200 && !errors.Is(err, boom) {
			t.Errorf("ParseInboundHeader: err = %v", err)
		}
	}
	// io.ErrUnexpectedEOF is how a cut literal ends: a prefix, not a failure
	in, err := ParseInbound(&failingReader{r: bytes.NewReader(raw[:len(raw)/2]), err: io.ErrUnexpectedEOF}, 0)
	if err != nil || !in.Truncated || in.Subject == "" {
		t.Errorf("ErrUnexpectedEOF: err = %v, Truncated = %v", err, in.Truncated)
	}
}

func TestInboundAddressesAndHash(t *testing.T) {
	in := parseEML(t, "gmail_reply.eml", 0)
	in.Bcc = []Address{{Email: "Jane.Doe@globex.example"}}
	want := []string{"jane.doe@globex.example", "sam@acme-crm.example", "bob.smith@globex.example"}
	if got := in.Addresses(); !reflect.DeepEqual(got, want) {
		t.Errorf("Addresses = %q, want %q", got, want)
	}

	a := parseEML(t, "no_message_id.eml", 0) // LF line ends
	raw := bytes.ReplaceAll(readEML(t, "no_message_id.eml"), []byte("\n"), []byte("\r\n"))
	raw = append([]byte("Received: from elsewhere\r\nX-Folder: Archive\r\n"), raw...)
	b, err := ParseInbound(bytes.NewReader(raw), 0)
	if err != nil {
		t.Fatal(err)
	}
	h := a.ContentHash()
	if !strings.HasPrefix(h, "sha256:") || len(h) != len("sha256:")+64 {
		t.Fatalf("ContentHash = %q", h)
	}
	if b.ContentHash() != h {
		t.Errorf("the same message on another server hashes differently")
	}
	b.From[0].Name = "Patricia Lee"
	if b.ContentHash() != h {
		t.Errorf("a display name changed the hash")
	}
	for name, change := range map[string]func(*Inbound){
		"subject": func(in *Inbound) { in.Subject += "!" },
		"date":    func(in *Inbound) { in.Date = in.Date.Add(time.Second) },
		"text":    func(in *Inbound) { in.Text = "Is the demo still on for Monday?" },
		"to":      func(in *Inbound) { in.To = append(in.To, Address{Email: "x@y.example"}) },
		"from":    func(in *Inbound) { in.From = nil },
	} {
		c := a
		c.To = append([]Address(nil), a.To...)
		change(&c)
		if c.ContentHash() == h {
			t.Errorf("changing the %s keeps the hash", name)
		}
	}
	long := a
	long.Text = strings.Repeat("x", hashTextBytes) + "tail one"
	other := long
	other.Text = strings.Repeat("x", hashTextBytes) + "tail two"
	if long.ContentHash() != other.ContentHash() {
		t.Errorf("text past the first 4 KB changed the hash")
	}
}

func TestInboundHeaderFieldsCopy(t *testing.T) {
	f := InboundHeaderFields()
	f[0] = "X-Changed"
	if InboundHeaderFields()[0] != "Message-ID" {
		t.Error("InboundHeaderFields returned its own slice")
	}
}

// inboundBenchHeader is what an IMAP header scan returns for one reply.
const inboundBenchHeader = "Message-ID: <CAF3x+9kQv2Lm7p0=Yw8nRk2-dE4hTq@mail.gmail.com>\r\n" +
	"In-Reply-To: <k7q2m4x9w3zt5p8r@mail.acme-crm.example>\r\n" +
	"References: <a1b2c3d4e5@mail.acme-crm.example>\r\n <k7q2m4x9w3zt5p8r@mail.acme-crm.example>\r\n" +
	"From: Jane Doe <Jane.Doe@Globex.example>\r\n" +
	"To: Sam Seller <sam@acme-crm.example>\r\n" +
	"Cc: \"Smith, Bob\" <bob.smith@globex.example>, =?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <jm@globex.example>\r\n" +
	"Subject: Re: =?UTF-8?Q?Angebot_f=C3=BCr_Globex?=\r\n" +
	"Date: Sat, 5 Dec 2026 10:14:39 +0100\r\n" +
	"Content-Type: multipart/alternative; boundary=\"000000000000a1b2c3d4e5f60718\"\r\n\r\n"

func BenchmarkParseInboundHeader(b *testing.B) {
	r := strings.NewReader(inboundBenchHeader)
	b.ReportAllocs()
	b.SetBytes(int64(len(inboundBenchHeader)))
	for b.Loop() {
		r.Reset(inboundBenchHeader)
		in, err := ParseInboundHeader(r)
		if err != nil || len(in.Cc) != 2 {
			b.Fatal(err, in)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "headers/s")
}

func BenchmarkParseInbound(b *testing.B) {
	raw := readEML(b, "gmail_reply.eml")
	r := bytes.NewReader(raw)
	b.ReportAllocs()
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		r.Reset(raw)
		if _, err := ParseInbound(r, 0); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "messages/s")
}

func TestParseInboundBounceSources(t *testing.T) {
	tests := []struct {
		name, raw string
		want      Bounce
	}{
		{
			name: "original id in the status fields",
			raw: "From: postmaster@mx.example\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n" +
				"--b\r\nContent-Type: text/plain\r\n\r\nDelivery failed.\r\n" +
				"--b\r\nContent-Type: message/delivery-status\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
				"UmVwb3J0aW5nLU1UQTogZG5zOyBteC5leGFtcGxlDQpYLU9yaWdpbmFsLU1lc3NhZ2UtSUQ6IDxvcmlnLTFAYWNtZS5leGFtcGxlPg0KDQpGaW5hbC1SZWNpcGllbnQ6IHJmYzgyMjsgYUB4LmV4YW1wbGUNCkFjdGlvbjogZGVsYXllZA0KU3RhdHVzOiA0LjIuMg0KDQpGaW5hbC1SZWNpcGllbnQ6IHJmYzgyMjsgYkB4LmV4YW1wbGUNCkFjdGlvbjogZmFpbGVkDQpTdGF0dXM6IDUuMi4xIChtYWlsYm94IGRpc2FibGVkKQ0KRGlhZ25vc3RpYy1Db2RlOiBzbXRwOyA1NTAgNS4yLjEgZGlzYWJsZWQNCg==\r\n" +
				"--b--\r\n",
			want: Bounce{Recipient: "b@x.example", Action: "failed", Status: "5.2.1", Diagnostic: "550 5.2.1 disabled", Permanent: true, OriginalMessageID: "orig-1@acme.example"},
		},
		{
			name: "exim text with X-Failed-Recipients",
			raw: "From: Mail Delivery System <Mailer-Daemon@exim.example>\r\nX-Failed-Recipients: Gone@Exim.example\r\nSubject: Mail delivery failed: returning message to sender\r\n\r\n" +
				"This message was created automatically by mail delivery software.\r\n\r\nA message that you sent could not be delivered to one or more of its\r\n" +
				"recipients. This is a permanent error. The following address(es) failed:\r\n\r\n  gone@exim.example\r\n    mailbox is full\r\n\r\n" +
				"------ This is a copy of the message, including all the headers. ------\r\n\r\nMessage-Id: <exim-orig@acme.example>\r\nSubject: hello\r\n",
			want: Bounce{Recipient: "gone@exim.example", Action: "failed", Status: "5.0.0", Permanent: true, OriginalMessageID: "exim-orig@acme.example"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, err := ParseInbound(strings.NewReader(tt.raw), 0)
			if err != nil {
				t.Fatal(err)
			}
			if in.Kind != InboundBounce || in.Bounce == nil || *in.Bounce != tt.want {
				t.Errorf("Kind = %q, Bounce = %+v; want %+v (notes %q)", in.Kind, in.Bounce, tt.want, in.Notes)
			}
		})
	}
}

func TestUnflow(t *testing.T) {
	in := "Hello Sam, this is a long \r\nline that was wrapped.\r\n\r\n> quoted and \r\n> wrapped too\r\n>> deeper\r\n-- \r\nJane \r\n"
	raw := "From: a@b.example\r\nContent-Type: text/plain; charset=utf-8; format=flowed\r\n\r\n" + in
	got, err := ParseInbound(strings.NewReader(raw), 0)
	if err != nil {
		t.Fatal(err)
	}
	want := "Hello Sam, this is a long line that was wrapped.\n\n> quoted and wrapped too\n>> deeper\n-- \nJane"
	if got.Text != want {
		t.Errorf("Text = %q, want %q", got.Text, want)
	}
	if u := unflow("Grüß \nDich", true); u != "GrüßDich" {
		t.Errorf("delsp=yes: %q", u)
	}
}
