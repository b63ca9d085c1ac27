//go:build unix

package mailsync_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/leadmail/leadmail/mail"
	"github.com/leadmail/leadmail/mail/imapconn"
	"github.com/leadmail/leadmail/mail/localimap"
	"github.com/leadmail/leadmail/mail/mailsync"
	"github.com/leadmail/leadmail/store"
)

const (
	benchMessages = 100_000
	benchContacts = 10_000
	// One message in benchMatchEvery involves a contact.
	benchMatchEvery = 5
)

// benchMailbox is the 100,000-message mailbox, made once per process.
var benchMailbox = sync.OnceValues(func() (*localimap.Server, error) {
	srv, err := localimap.Start(localimap.Config{Username: login, Password: "bench-password"})
	if err != nil {
		return nil, err
	}
	date := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range benchMessages {
		if _, err := srv.Deliver("INBOX", benchMessage(i), nil, date.Add(time.Duration(i)*time.Minute)); err != nil {
			return nil, err
		}
	}
	return srv, nil
})

// benchMessage is a message of about 3 KB; one in benchMatchEvery comes
// from a contact, the others from strangers.
func benchMessage(i int) []byte {
	from := fmt.Sprintf("stranger%d@else.example", i)
	if i%benchMatchEvery == 0 {
		from = fmt.Sprintf("lead%d@cust.example", i%benchContacts)
	}
	body := make([]byte, 0, 2400)
	for len(body) < 2300 {
		body = fmt.Appendf(body, "Line %d of message %d, long enough to look like a paragraph of mail text.\r\n", len(body)/70, i)
	}
	return fmt.Appendf(nil, "Return-Path: <%s>\r\n"+
		"Received: from mx.cust.example (mx.cust.example [192.0.2.1]) by mx.example.com with ESMTPS id %d; Mon, 02 Mar 2026 10:00:00 +0000\r\n"+
		"Message-ID: <b%d@cust.example>\r\nFrom: Person %d <%s>\r\nTo: Rep <%s>\r\nSubject: About our proposal %d\r\n"+
		"Date: Mon, 02 Mar 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s",
		from, i, i, i, from, repAddr, i, body)
}

// benchDB is a fresh database with the rep and 10,000 contacts.
func benchDB(b *testing.B) (*store.DB, store.User) {
	return benchDBAt(b, filepath.Join(b.TempDir(), "crm.db"))
}

func benchDBAt(b *testing.B, path string) (*store.DB, store.User) {
	b.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = db.Close() })
	u, err := db.UpsertUser(ctx, store.User{Name: "Rita Rep", Email: repAddr, Role: store.RoleSalesperson})
	if err != nil {
		b.Fatal(err)
	}
	cs := make([]store.Contact, benchContacts)
	for i := range cs {
		cs[i] = store.Contact{Kind: store.KindLead, FirstName: "Lead", LastName: fmt.Sprint(i),
			Email: fmt.Sprintf("lead%d@cust.example", i)}
	}
	if err := db.InsertContacts(ctx, cs); err != nil {
		b.Fatal(err)
	}
	return db, u
}

func benchSyncer(srv *localimap.Server, db *store.DB, u store.User) *mailsync.Syncer {
	c := imapconn.DefaultConfig()
	c.Host, c.Port, c.Security = srv.Host(), srv.Port(), mail.SecuritySTARTTLS
	c.Username, c.Password, c.TLSConfig = login, "bench-password", srv.TLSConfig()
	return mailsync.New(mailsync.Config{IMAP: c, UserID: u.ID, Me: []string{repAddr},
		Folders: []string{"INBOX"}, Holder: "bench-" + rand.Text()[:6]}, db)
}

// BenchmarkHistoricalSync100k reads a 100,000-message mailbox (one message
// in five from one of 10,000 contacts) into an empty database over
// loopback with STARTTLS, and reports messages/s, CPU seconds and the live
// heap the sync added at its peak (the in-process server's 300 MB mailbox
// is counted before the run starts). BenchmarkHistoricalSync100kProcess
// gives the sync's peak RSS.
func BenchmarkHistoricalSync100k(b *testing.B) {
	srv, err := benchMailbox()
	if err != nil {
		b.Fatal(err)
	}
	var elapsed, cpu time.Duration
	var peak uint64
	for b.Loop() {
		b.StopTimer()
		db, u := benchDB(b)
		s := benchSyncer(srv, db, u)
		runtime.GC()
		stop := sampleHeap(&peak)
		b.StartTimer()
		began, cpu0 := time.Now(), cpuTime()
		rep, err := s.Run(context.Background(), mailsync.Options{})
		elapsed += time.Since(began)
		cpu += cpuTime() - cpu0
		b.StopTimer()
		stop()
		if err != nil {
			b.Fatal(err)
		}
		if rep.Scanned != benchMessages || rep.Recorded != benchMessages/benchMatchEvery {
			b.Fatalf("scanned %d, recorded %d; want %d and %d", rep.Scanned, rep.Recorded, benchMessages, benchMessages/benchMatchEvery)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(benchMessages*b.N)/elapsed.Seconds(), "msg/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-live-heap-MB")
	// CPU seconds of client and server together: steadier than msg/s on
	// a shared machine.
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
}

// BenchmarkIncrementalNothingNew is a run over the synced 100,000-message
// mailbox when nothing arrived.
func BenchmarkIncrementalNothingNew(b *testing.B) {
	srv, err := benchMailbox()
	if err != nil {
		b.Fatal(err)
	}
	db, u := benchDB(b)
	s := benchSyncer(srv, db, u)
	if _, err := s.Run(context.Background(), mailsync.Options{}); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		rep, err := s.Run(context.Background(), mailsync.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if rep.Scanned != 0 {
			b.Fatalf("scanned %d, want 0", rep.Scanned)
		}
	}
}

// sampleHeap records into *peak the most live heap (as marked by each GC)
// above the live heap when it started, until stop is called: what the
// sync keeps, not the garbage the GC lets pile up above the in-process
// server's mailbox.
func sampleHeap(peak *uint64) (stop func()) {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	read := func() uint64 {
		metrics.Read(sample)
		return sample[0].Value.Uint64()
	}
	base := read()
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if v := read(); v > base && v-base > *peak {
					*peak = v - base
				}
			}
		}
	})
	return func() { close(done); wg.Wait() }
}

// maxRSS is the process's peak resident set size.
func maxRSS() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Maxrss * 1024 // kilobytes on Linux
}

// cpuTime is the user and system CPU time the process used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
