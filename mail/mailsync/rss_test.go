//go:build unix

package mailsync_test

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leadmail/leadmail/mail"
	"github.com/leadmail/leadmail/mail/imapconn"
	"github.com/leadmail/leadmail/mail/mailsync"
	"github.com/leadmail/leadmail/store"
)

// BenchmarkHistoricalSync100kProcess runs the historical sync of the
// 100,000-message mailbox in a process of its own (this test binary run
// again), so its peak RSS is the sync's alone: the database, the IMAP
// client and the matching, without the in-process server's mailbox.
func BenchmarkHistoricalSync100kProcess(b *testing.B) {
	srv, err := benchMailbox()
	if err != nil {
		b.Fatal(err)
	}
	certPEM := filepath.Join(b.TempDir(), "imap.pem")
	if err := os.WriteFile(certPEM, peerCertificate(b, srv.Addr(), srv.TLSConfig()), 0o600); err != nil {
		b.Fatal(err)
	}
	var rss, rate float64
	for b.Loop() {
		b.StopTimer()
		path := filepath.Join(b.TempDir(), "crm.db")
		db, _ := benchDBAt(b, path)
		if err := db.Close(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		cmd := exec.Command(os.Args[0], "-test.run=^TestSyncChildProcess$", "-test.count=1")
		cmd.Env = append(os.Environ(), "MAILSYNC_CHILD_DB="+path, "MAILSYNC_CHILD_ADDR="+srv.Addr(),
			"MAILSYNC_CHILD_CERT="+certPEM)
		out, err := cmd.CombinedOutput()
		if err != nil {
			b.Fatalf("child sync: %v\n%s", err, out)
		}
		var mb, perSec float64
		var scanned int
		line := out[strings.Index(string(out), "RESULT"):]
		if _, err := fmt.Sscanf(string(line), "RESULT maxrss-MB=%f msg/s=%f scanned=%d", &mb, &perSec, &scanned); err != nil || scanned != benchMessages {
			b.Fatalf("child said %q (%v)", out, err)
		}
		rss, rate = max(rss, mb), rate+perSec
	}
	b.ReportMetric(rss, "sync-maxrss-MB")
	b.ReportMetric(rate/float64(b.N), "msg/s")
}

// TestSyncChildProcess is the child of BenchmarkHistoricalSync100kProcess;
// it does nothing in an ordinary test run.
func TestSyncChildProcess(t *testing.T) {
	path := os.Getenv("MAILSYNC_CHILD_DB")
	if path == "" {
		t.Skip("only run by BenchmarkHistoricalSync100kProcess")
	}
	ctx := context.Background()
	db, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = db.Close() }()
	u, err := db.UserByEmail(ctx, repAddr)
	if err != nil {
		t.Fatal(err)
	}
	pemBytes, err := os.ReadFile(os.Getenv("MAILSYNC_CHILD_CERT"))
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemBytes) {
		t.Fatal("no certificate in the PEM file")
	}
	host, port, err := net.SplitHostPort(os.Getenv("MAILSYNC_CHILD_ADDR"))
	if err != nil {
		t.Fatal(err)
	}
	c := imapconn.DefaultConfig()
	c.Host, c.Security = host, mail.SecuritySTARTTLS
	if _, err := fmt.Sscan(port, &c.Port); err != nil {
		t.Fatal(err)
	}
	c.Username, c.Password = login, "bench-password"
	c.TLSConfig = &tls.Config{RootCAs: pool, ServerName: "localhost", MinVersion: tls.VersionTLS12}
	s := mailsync.New(mailsync.Config{IMAP: c, UserID: u.ID, Me: []string{repAddr},
		Folders: []string{"INBOX"}, Holder: "bench-child"}, db)
	began := time.Now()
	rep, err := s.Run(ctx, mailsync.Options{})

	if err != nil {
		t.Fatal(err)
	}
	el := time.Since(began)
	fmt.Printf("RESULT maxrss-MB=%.1f msg/s=%.0f scanned=%d\n", float64(peakRSS())/(1<<20), float64(rep.Scanned)/el.Seconds(), rep.Scanned)
}

// peakRSS is the process's peak resident set size: VmHWM where /proc has
// it, since getrusage's maxrss survives exec and so counts the parent's
// memory at the fork.
func peakRSS() int64 {
	status, err := os.ReadFile("/proc/self/status")
	if err == nil {
		for line := range strings.Lines(string(status)) {
			if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
				var kb int64
				if _, err := fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), &kb); err == nil {
					return kb * 1024
				}
			}
		}
	}
	return maxRSS()
}

// peerCertificate reads the server's certificate through STARTTLS, as
// PEM, for the child process to trust.
func peerCertificate(b *testing.B, addr string, cfg *tls.Config) []byte {
	b.Helper()
	raw, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = raw.Close() }()
	_ = raw.SetDeadline(time.Now().Add(10 * time.Second))
	rd := bufio.NewReader(raw)
	if _, err := rd.ReadString('\n'); err != nil { // greeting
		b.Fatal(err)
	}
	if _, err := raw.Write([]byte("a1 STARTTLS\r\n")); err != nil {
		b.Fatal(err)
	}
	for {
		line, err := rd.ReadString('\n')
		if err != nil {
			b.Fatal(err)
		}
		if strings.HasPrefix(line, "a1 ") {
			break
		}
	}
	tc := tls.Client(raw, cfg)
	if err := tc.Handshake(); err != nil {
		b.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: tc.ConnectionState().PeerCertificates[0].Raw})
}
