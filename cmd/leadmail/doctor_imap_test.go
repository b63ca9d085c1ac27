package main

import (
	"encoding/json"
	"io"
	"log"
	"net"
	"strconv"
	"strings"
	"testing"

	"github.com/emersion/go-imap/backend/memory"
	"github.com/emersion/go-imap/server"
)

// startPlainIMAP runs go-imap's memory server (login username/password,
// INBOX plus folders) on a loopback port without TLS, which imap.security
// none allows on loopback; TLS is tested in mail/imapconn, with
// certificates SSL_CERT_FILE cannot hold here.
func startPlainIMAP(t *testing.T, folders ...string) int {
	t.Helper()
	be := memory.New()
	u, err := be.Login(nil, "username", "password")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range folders {
		if err := u.CreateMailbox(f); err != nil {
			t.Fatal(err)
		}
	}
	s := server.New(be)
	s.AllowInsecureAuth = true
	s.ErrorLog = log.New(io.Discard, "", 0)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = s.Serve(l) }()
	t.Cleanup(func() { _ = s.Close() })
	return l.Addr().(*net.TCPAddr).Port
}

// useTestIMAP points the IMAP settings at a startPlainIMAP server.
func useTestIMAP(t *testing.T, port int) {
	t.Helper()
	t.Setenv("LEADMAIL_IMAP_HOST", "127.0.0.1")
	t.Setenv("LEADMAIL_IMAP_PORT", strconv.Itoa(port))
	t.Setenv("LEADMAIL_IMAP_SECURITY", "none")
	t.Setenv("LEADMAIL_IMAP_USERNAME", "username")
	t.Setenv("LEADMAIL_IMAP_PASSWORD", "password")
}

func TestDoctorIMAP(t *testing.T) {
	e := newCLIEnv(t)
	useTestSMTP(t)
	port := startPlainIMAP(t, "Sent Items", "Archive")
	useTestIMAP(t, port)
	out, err := e.run(t, "doctor")
	if err != nil {
		t.Fatalf("doctor: %v\n%s", err, out)
	}
	wantLines(t, out, []string{
		"✓ imap.host 127.0.0.1, port " + strconv.Itoa(port) + ", security none",
		"! imap.security is none: the mailbox password travels unencrypted; use it for a server on this machine only",
		"✓ IMAP password: from LEADMAIL_IMAP_PASSWORD",
		"✓ connected to the IMAP server 127.0.0.1:" + strconv.Itoa(port),
		"✓ logged in to the IMAP server as username with LOGIN",
		`✓ Sent folder "Sent Items" found by its name (the server marks no folder \Sent)`,
		"✓ the IMAP server offers IDLE, MOVE (not CONDSTORE, QRESYNC, UIDPLUS, SPECIAL-USE: Mail Sync does without them)",
		"leadmail is ready to send.",
	}, "✗", "password\n")

	out, err = e.run(t, "doctor", "--json")
	if err != nil {
		t.Fatalf("doctor --json: %v\n%s", err, out)
	}
	var r doctorJSON
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if r.IMAP == nil || r.IMAP.SentFolder != "Sent Items" || r.IMAP.SentMarked || r.IMAP.Folders != 3 ||
		strings.Join(r.IMAP.Capabilities, " ") != "IDLE MOVE" {
		t.Errorf("imap section %+v", r.IMAP)
	}
	var names []string
	for _, c := range r.Checks {
		if strings.HasPrefix(c.Name, "imap") {
			names = append(names, c.Name+":"+string(c.Status))
		}
	}
	want := "imap.host:ok imap.security:warning imap.password:ok imap.connect:ok imap.login:ok imap.sent_folder:ok imap.capabilities:ok"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("checks %s\nwant   %s", got, want)
	}
}

func TestDoctorIMAPProblems(t *testing.T) {
	port := startPlainIMAP(t)
	tests := []struct {
		name     string
		env      map[string]string
		want     []string
		problems string // "" for none
	}{
		{
			name:     "refused login",
			env:      map[string]string{"LEADMAIL_IMAP_PASSWORD": "wrong-secret-4711"},
			want:     []string{"✗ the IMAP server refused the login for username (Bad username or password): check imap.username and imap.password_cmd"},
			problems: "1 problem found",
		},
		{
			name:     "server down",
			env:      map[string]string{"LEADMAIL_IMAP_PORT": strconv.Itoa(closedPort(t))},
			want:     []string{"✗ cannot reach the IMAP server 127.0.0.1:", "✓ imap.host 127.0.0.1"},
			problems: "1 problem found",
		},
		{
			name:     "no password for another login",
			env:      map[string]string{"LEADMAIL_IMAP_PASSWORD": ""},
			want:     []string{"✗ no password for imap.username username: set imap.password_cmd or LEADMAIL_IMAP_PASSWORD"},
			problems: "1 problem found",
		},
		{
			name:     "password_cmd fails",
			env:      map[string]string{"LEADMAIL_IMAP_PASSWORD": "", "LEADMAIL_IMAP_PASSWORD_CMD": "echo 'vault is locked' >&2; exit 3"},
			want:     []string{"✗ imap.password_cmd failed: exit status 3: vault is locked"},
			problems: "1 problem found",
		},
		{
			name:     "no sent folder, unknown sync folder",
			env:      map[string]string{"LEADMAIL_SYNC_FOLDERS": "INBOX,Old Stuff"},
			want:     []string{`! no Sent folder among the 1 folders`, `✗ sync.folders names "Old Stuff", which is not a folder in your mailbox (it has "INBOX")`},
			problems: "1 problem found",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newCLIEnv(t)
			useTestSMTP(t)
			useTestIMAP(t, port)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			out, err := e.run(t, "doctor")
			if (err == nil) != (tt.problems == "") || (err != nil && err.Error() != tt.problems) {
				t.Fatalf("err = %v, want %q\n%s", err, tt.problems, out)
			}
			wantLines(t, out, tt.want, "wrong-secret-4711")
		})
	}
}
