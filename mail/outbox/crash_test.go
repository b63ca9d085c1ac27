package outbox_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/leadmail/leadmail/mail"
	"github.com/leadmail/leadmail/mail/localsmtp"
	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
)

// The crash test runs this test binary again as a delivery worker, selected
// by this variable, and kills it with SIGKILL at random moments.
const crashWorkerEnv = "LEADMAIL_TEST_CRASH_WORKER"

func TestMain(m *testing.M) {
	if os.Getenv(crashWorkerEnv) != "" {
		os.Exit(crashWorker())
	}
	os.Exit(m.Run())
}

// crashWorker delivers everything due from the database named in the
// environment to the SMTP server named there, then exits. A short lease
// makes messages left in "sending" by a killed worker recoverable quickly.
func crashWorker() int {
	ctx := context.Background()
	db, err := store.Open(ctx, os.Getenv(crashWorkerEnv), store.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer func() { _ = db.Close() }()
	port, _ := strconv.Atoi(os.Getenv("LEADMAIL_TEST_SMTP_PORT"))
	cfg := mail.DefaultSMTPConfig()
	cfg.Host, cfg.Port, cfg.Security = "127.0.0.1", port, mail.SecurityNone
	smtp := mail.NewSMTP(cfg)
	defer func() { _ = smtp.Close() }()
	ocfg := outbox.DefaultConfig()
	ocfg.Lease = crashLease
	ocfg.RetryBase, ocfg.RetryMax = 10*time.Millisecond, 20*time.Millisecond
	svc, err := outbox.New(outbox.Options{DB: db, Transport: smtp, Config: ocfg})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	for {
		rep, err := svc.Run(ctx, outbox.RunOptions{IgnoreBackoff: true})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
		if rep.Sent+rep.Retrying+rep.Failed+rep.Uncertain+rep.Recovered == 0 {
			return 0
		}
	}
}

const crashLease = 300 * time.Millisecond

// TestCrashNeverLosesOrDuplicates kills a delivering worker process at random
// points across a few hundred sends, restarting it each time: every message
// must end up sent exactly once, or uncertain (never resent by itself).
func TestCrashNeverLosesOrDuplicates(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns worker processes")
	}
	const messages = 300
	// A small delay per message makes kills land in the middle of sends.
	srv, err := localsmtp.Start(localsmtp.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	srv.SetFailure(localsmtp.Failure{Delay: 2 * time.Millisecond})

	e := newEnv(t)
	for i := range messages {
		m := store.Message{ContactID: e.contact.ID, UserID: e.sender.ID, Subject: fmt.Sprintf("crash %d", i),
			MessageID: fmt.Sprintf("crash-%d@brightwave.example", i), From: e.sender.Email,
			Recipients: []string{e.contact.Email},
			Raw:        fmt.Appendf(nil, "Message-ID: <crash-%d@brightwave.example>\r\nSubject: crash %d\r\n\r\nhello\r\n", i, i)}
		if err := e.db.EnqueueMessage(t.Context(), &m); err != nil {
			t.Fatal(err)
		}
	}
	// start runs one worker process; the returned channel yields its exit.
	start := func() (*exec.Cmd, chan error) {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), crashWorkerEnv+"="+e.dbPath, "LEADMAIL_TEST_SMTP_PORT="+strconv.Itoa(srv.Port()))
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		return cmd, exited
	}
	// Kill rounds: workers killed at random moments, a bounded number of
	// times, while anything is left to send.
	rnd := rand.New(rand.NewPCG(1, 2))
	kills := 0
	for round := 0; round < 60 && kills < 20 && pending(t, e.db) > 0; round++ {
		cmd, exited := start()
		select {
		case err := <-exited:
			if err != nil {
				t.Fatalf("worker failed: %v", err)
			}
		case <-time.After(time.Duration(30+rnd.IntN(150)) * time.Millisecond):
			_ = cmd.Process.Signal(syscall.SIGKILL)
			if err := <-exited; err != nil {
				kills++
			}
		}
	}
	// Then workers run undisturbed, once the leases of killed ones have
	// expired, until nothing is left: every message is sent or uncertain.
	for try := 0; pending(t, e.db) > 0; try++ {
		if try == 5 {
			t.Fatalf("%d messages still pending after %d clean runs", pending(t, e.db), try)
		}
		time.Sleep(crashLease)
		_, exited := start()
		select {
		case err := <-exited:
			if err != nil {
				t.Fatalf("worker failed: %v", err)
			}
		case <-time.After(2 * time.Minute):
			t.Fatal("a clean worker run did not finish")
		}
	}

	received := map[string]int{}
	for _, r := range srv.Messages() {
		received[messageIDOf(t, r.Data)]++
	}
	msgs, err := e.db.ListMessages(t.Context(), store.MessageFilter{})
	if err != nil {
		t.Fatal(err)
	}
	lost, duplicated, uncertain := 0, 0, 0
	for _, m := range msgs {
		n := received[m.MessageID]
		switch {
		case n > 1:
			duplicated++
			t.Errorf("%s arrived %d times", m.MessageID, n)
		case m.Status == store.MessageSent && n == 1:
		case m.Status == store.MessageUncertain:
			uncertain++
		default:
			lost++
			t.Errorf("%s is %s and arrived %d times", m.MessageID, m.Status, n)
		}
	}
	fmt.Printf("crash test: %d messages, %d kills: lost=%d duplicated=%d uncertain=%d\n",
		len(msgs), kills, lost, duplicated, uncertain)
	if kills == 0 {
		t.Error("no worker was killed mid-run: the test proved nothing")
	}
}

// messageIDOf reads the Message-ID header of a received message.
func messageIDOf(t *testing.T, raw []byte) string {
	t.Helper()
	in, err := mail.Inspect(raw)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range in.Headers {
		if strings.EqualFold(h.Key, "Message-Id") {
			return strings.Trim(h.Value, "<> ")
		}
	}
	t.Fatalf("no Message-ID in %q", raw)
	return ""
}

func pending(t *testing.T, db *store.DB) int {
	t.Helper()
	c, err := db.MessageCounts(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return c[store.MessageQueued] + c[store.MessageScheduled] + c[store.MessageSending]
}

// Two runners on one database (the TUI and cron) never send a message twice.
func TestTwoRunnersSendEachMessageOnce(t *testing.T) {
	e := newEnv(t)
	const messages = 120
	for range messages {
		if _, err := e.svc.QuickSend(t.Context(), e.contact.ID, e.email.ID); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	for range 2 {
		db, err := store.Open(t.Context(), e.dbPath, store.Options{Now: func() time.Time { return e.now }})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = db.Close() })
		cfg := mail.DefaultSMTPConfig()
		cfg.Host, cfg.Port, cfg.Security = e.srv.Host(), e.srv.Port(), mail.SecuritySTARTTLS
		cfg.Username, cfg.Password, cfg.TLSConfig = "sam", "pw", e.srv.TLSConfig()
		smtp := mail.NewSMTP(cfg)
		t.Cleanup(func() { _ = smtp.Close() })
		svc, err := outbox.New(outbox.Options{DB: db, Transport: smtp, Sender: e.sender, Config: outbox.DefaultConfig(),
			Now: func() time.Time { return e.now }})
		if err != nil {
			t.Fatal(err)
		}
		wg.Go(func() {
			if _, err := svc.Run(context.Background(), outbox.RunOptions{IgnoreBackoff: true}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	seen := map[string]int{}
	for _, r := range e.srv.Messages() {
		seen[string(r.Data)]++
	}
	if len(e.srv.Messages()) != messages || len(seen) != messages {
		t.Fatalf("server got %d messages (%d distinct), want %d once each", len(e.srv.Messages()), len(seen), messages)
	}
}

// BenchmarkDeliver1000 delivers 1,000 queued messages to the loopback server
// over one authenticated STARTTLS connection (goal: >= 2,000 msg/s).
func BenchmarkDeliver1000(b *testing.B) {
	e := newEnvMailbox(b, "")
	raw := []byte("Subject: bench\r\n\r\nhello\r\n")
	ctx := context.Background()
	var total time.Duration
	for b.Loop() {
		b.StopTimer()
		for i := range 1000 {
			m := store.Message{ContactID: e.contact.ID, UserID: e.sender.ID, Subject: "bench",
				MessageID: fmt.Sprintf("b%d-%d-%d@brightwave.example", b.N, time.Now().UnixNano(), i),
				From:      e.sender.Email, Recipients: []string{e.contact.Email}, Raw: raw}
			if err := e.db.EnqueueMessage(ctx, &m); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		start := time.Now()
		rep, err := e.svc.Run(ctx, outbox.RunOptions{IgnoreBackoff: true})
		total += time.Since(start)
		if err != nil || rep.Sent != 1000 {
			b.Fatalf("sent %d, %v", rep.Sent, err)
		}
	}
	b.ReportMetric(float64(b.N*1000)/total.Seconds(), "msg/s")
}
