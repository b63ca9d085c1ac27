package mailsync

import (
	"slices"
	"testing"
	"time"

	"github.com/emersion/go-imap"

	"github.com/leadmail/leadmail/mail/imapconn"
)

func TestChooseFolders(t *testing.T) {
	plain := []imapconn.Folder{
		{Name: "INBOX", Selectable: true},
		{Name: "Sent", Selectable: true, SpecialUse: `\Sent`},
		{Name: "Drafts", Selectable: true, SpecialUse: `\Drafts`},
		{Name: "Trash", Selectable: true, SpecialUse: `\Trash`},
		{Name: "Junk", Selectable: true, SpecialUse: `\Junk`},
		{Name: "INBOX.Spam", Selectable: true},
		{Name: "Deleted Items", Selectable: true},
		{Name: "Clients", Selectable: false},
		{Name: "Clients/Acme", Selectable: true},
	}
	gmail := []imapconn.Folder{
		{Name: "INBOX", Selectable: true},
		{Name: "[Gmail]", Selectable: false},
		{Name: "[Gmail]/All Mail", Selectable: true, SpecialUse: `\All`},
		{Name: "[Gmail]/Sent Mail", Selectable: true, SpecialUse: `\Sent`},
	}
	for _, tc := range []struct {
		name          string
		fs            []imapconn.Folder
		cfg           Config
		asked         []string
		want, missing []string
	}{
		{"default", plain, Config{}, nil, []string{"INBOX", "Sent", "Clients/Acme"}, nil},
		{"gmail", gmail, Config{Provider: "gmail"}, nil, []string{"[Gmail]/All Mail"}, nil},
		{"configured", plain, Config{Folders: []string{"Sent", "Nope"}}, nil, []string{"Sent"}, []string{"Nope"}},
		{"asked beats configured", plain, Config{Folders: []string{"Sent"}}, []string{"INBOX"}, []string{"INBOX"}, nil},
		{"not selectable", plain, Config{}, []string{"Clients"}, nil, []string{"Clients"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, missing := chooseFolders(tc.fs, tc.cfg, tc.asked)
			if !slices.Equal(got, tc.want) || !slices.Equal(missing, tc.missing) {
				t.Errorf("chooseFolders = %q, missing %q; want %q, %q", got, missing, tc.want, tc.missing)
			}
		})
	}
}

func TestCopyBackoff(t *testing.T) {
	sent := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		age, want time.Duration
	}{
		{0, time.Minute},
		{30 * time.Second, time.Minute},
		{time.Minute, time.Minute},
		{2 * time.Minute, 2 * time.Minute},
		{5 * time.Minute, 5 * time.Minute},
		{3 * time.Hour, time.Hour},
	} {
		if got := copyBackoff(sent.Add(tc.age), sent); got != tc.want {
			t.Errorf("backoff at age %v = %v, want %v", tc.age, got, tc.want)
		}
	}
	if got := copyBackoff(sent, time.Time{}); got != time.Minute {
		t.Errorf("backoff without a send time = %v, want 1 min", got)
	}
}

func TestClean(t *testing.T) {
	for in, want := range map[string]string{
		"plain":               "plain",
		"bad\x1b[31m\r\nline": "bad [31m line",
		"c1\u0085x\u009bq":    "c1 xq",
	} {
		if got := clean(in); got != want {
			t.Errorf("clean(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestHighestModSeq(t *testing.T) {
	for _, tc := range []struct {
		v    any
		want uint64
	}{
		{"9876543210", 9876543210},
		{uint32(7), 7},
		{imap.RawString("12"), 12},
		{"junk", 0},
		{nil, 0},
	} {
		st := &imap.MailboxStatus{Items: map[imap.StatusItem]any{"HIGHESTMODSEQ": tc.v}}
		if got := highestModSeq(st); got != tc.want {
			t.Errorf("highestModSeq(%#v) = %d, want %d", tc.v, got, tc.want)
		}
	}
	if got := highestModSeq(&imap.MailboxStatus{Items: map[imap.StatusItem]any{}}); got != 0 {
		t.Errorf("without CONDSTORE = %d, want 0", got)
	}
}
