package main

import (
	"crypto/tls"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/emersion/go-smtp"

	"github.com/leadmail/leadmail/mail/localsmtp"
	"github.com/leadmail/leadmail/store"
)

// testSMTP is one mail server for the whole package: Go reads SSL_CERT_FILE
// once per process, so the certificate must be trusted before any test dials.
var testSMTP *localsmtp.Server

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	if db := os.Getenv(rssChildEnv); db != "" {
		return rssChild(db) // BenchmarkTUIPeakRSS's UI process
	}
	srv, err := localsmtp.Start(localsmtp.Config{Username: "demo", Password: "pw"})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer func() { _ = srv.Close() }()
	dir, err := os.MkdirTemp("", "leadmail-cmd-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer func() { _ = os.RemoveAll(dir) }()
	templateDir = dir
	certFile := filepath.Join(dir, "ca.pem")
	if err := writeServerCert(srv, certFile); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if err := os.Setenv("SSL_CERT_FILE", certFile); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	testSMTP = srv
	return m.Run()
}

// writeServerCert fetches the certificate the server presents and writes it
// as PEM, the way a user would save their provider's CA.
func writeServerCert(srv *localsmtp.Server, path string) error {
	cfg := srv.TLSConfig()
	var der []byte
	cfg.VerifyConnection = func(cs tls.ConnectionState) error {
		der = cs.PeerCertificates[0].Raw
		return nil
	}
	c, err := smtp.DialStartTLS(srv.Addr(), cfg)
	if err != nil {
		return err
	}
	defer func() { _ = c.Close() }()
	// go-smtp runs the TLS handshake lazily, with the first command.
	if err := c.Hello("localhost"); err != nil {
		return err
	}
	if der == nil {
		return errors.New("the server presented no certificate")
	}
	return os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
}

func useTestSMTP(t *testing.T) {
	t.Helper()
	t.Setenv("LEADMAIL_USER_EMAIL", demoSender.Email)
	t.Setenv("LEADMAIL_USER_NAME", demoSender.Name)
	t.Setenv("LEADMAIL_SMTP_HOST", testSMTP.Host())
	t.Setenv("LEADMAIL_SMTP_PORT", strconv.Itoa(testSMTP.Port()))
	t.Setenv("LEADMAIL_SMTP_USERNAME", "demo")
	t.Setenv("LEADMAIL_SMTP_PASSWORD", "pw")
	t.Setenv("LEADMAIL_SENDING_VERIFIED_DOMAINS", "brightwave.example")
	t.Cleanup(func() { testSMTP.SetFailure(localsmtp.Failure{}) })
}

func TestSendDeliversAndRecords(t *testing.T) {
	e := newCLIEnv(t)
	useTestSMTP(t)
	to, tmpl := firstEmail(t, e), firstSmartMail(t, e)
	before := len(testSMTP.Messages())
	out, err := e.run(t, "send", "--to", to, "--email", tmpl, "--json")
	if err != nil {
		t.Fatalf("send: %v\n%s", err, out)
	}
	var res sendJSON
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if res.Status != store.MessageSent || res.MessageID == "" {
		t.Fatalf("result %+v", res)
	}
	got := testSMTP.Messages()
	if len(got) != before+1 || !strings.Contains(string(got[len(got)-1].Data), res.MessageID) {
		t.Fatalf("server has %d messages (before %d); the last is not ours", len(got), before)
	}

	out, err = e.run(t, "timeline", to, "--json", "--limit", "1")
	if err != nil {
		t.Fatal(err)
	}
	var evs []eventJSON
	if err := json.Unmarshal([]byte(out), &evs); err != nil {
		t.Fatal(err)
	}
	if len(evs) != 1 || evs[0].Kind != store.EventEmailSent || evs[0].MessageID != res.MessageID {
		t.Fatalf("timeline head = %+v, want email_sent %s", evs, res.MessageID)
	}
}

func TestSendRejectedRecipientExitsNonZero(t *testing.T) {
	e := newCLIEnv(t)
	useTestSMTP(t)
	testSMTP.SetFailure(localsmtp.Failure{RcptCode: 550})
	out, err := e.run(t, "send", "--to", firstEmail(t, e), "--email", firstSmartMail(t, e), "--json")
	if err == nil || !strings.Contains(err.Error(), "550") {
		t.Fatalf("err = %v, want the server's 550 reason", err)
	}
	var res sendJSON
	if jerr := json.Unmarshal([]byte(out), &res); jerr != nil {
		t.Fatal(jerr)
	}
	if res.Status != store.MessageFailed || res.Error == "" {
		t.Fatalf("result %+v, want failed with the reason", res)
	}
}
