package localimap_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/emersion/go-imap"
	"github.com/emersion/go-imap/client"

	"github.com/leadmail/leadmail/mail/localimap"
)

// syncFields are the header fields Mail Sync fetches (a copy of
// mail.InboundHeaderFields, kept here so this package's tests do not
// depend on the mail package).
var syncFields = []string{
	"Message-ID", "In-Reply-To", "References",
	"From", "To", "Cc", "Bcc", "Subject", "Date",
	"Content-Type", "Auto-Submitted", "X-Autoreply", "X-Autorespond",
	"Precedence", "X-Failed-Recipients", "Return-Path",
}

// message3K is a realistic message of about 3 KB.
func message3K(i int) []byte {
	body := make([]byte, 0, 2400)
	for len(body) < 2300 {
		body = fmt.Appendf(body, "Line %d of message %d, long enough to look like a paragraph of mail text.\r\n", len(body)/70, i)
	}
	return fmt.Appendf(nil, "Return-Path: <p%d@cust.example>\r\n"+
		"Received: from mx.cust.example (mx.cust.example [192.0.2.1]) by mx.example.com with ESMTPS id %d; Mon, 02 Mar 2026 10:00:00 +0000\r\n"+
		"DKIM-Signature: v=1; a=rsa-sha256; d=cust.example; s=sel; h=from:to:subject:date;\r\n\tbh=abcdefghijklmnopqrstuvwxyz0123456789=; b=ABCDEFGHIJKLMNOPQRSTUVWXYZ\r\n"+
		"Message-ID: <m%d@cust.example>\r\nIn-Reply-To: <s%d@example.com>\r\nReferences: <s%d@example.com>\r\n"+
		"From: Person %d <p%d@cust.example>\r\nTo: Rep <rep@example.com>\r\nSubject: Re: our proposal %d\r\n"+
		"Date: Mon, 02 Mar 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s",
		i, i, i, i, i, i, i, i, body)
}

// BenchmarkFetchHeaders100k streams the header of 100,000 messages of
// about 3 KB to go-imap v1's client over loopback with STARTTLS, as UID
// FETCH lo:hi in batches of 2000 UIDs, and reports msg/s: "fields" asks for
// BODY.PEEK[HEADER.FIELDS (...)] of the fields Mail Sync reads, "header"
// for the whole BODY.PEEK[HEADER], both with UID, FLAGS, INTERNALDATE and
// RFC822.SIZE.
func BenchmarkFetchHeaders100k(b *testing.B) {
	const total, batch = 100_000, 2000
	s := start(b, localimap.Config{})
	fill(b, s, total)
	c := dial(b, s)
	if _, err := c.Select("INBOX", true); err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		sec  *imap.BodySectionName
	}{
		{"fields", headerSection(syncFields...)},
		{"header", headerSection()},
	} {
		b.Run(bc.name, func(b *testing.B) {
			items := []imap.FetchItem{imap.FetchUid, imap.FetchFlags, imap.FetchInternalDate, imap.FetchRFC822Size, bc.sec.FetchItem()}
			n := 0
			for b.Loop() {
				n += fetchBatches(b, c, items, bc.sec, total, batch)
			}
			if n != total*b.N {
				b.Fatalf("fetched %d messages, want %d", n, total*b.N)
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "msg/s")
		})
	}
}

// fetchBatches fetches UIDs 1..total in batches and returns how many
// messages came with a non-empty header section.
func fetchBatches(b *testing.B, c *client.Client, items []imap.FetchItem, sec *imap.BodySectionName, total, batch int) int {
	n := 0
	for lo := 1; lo <= total; lo += batch {
		set := new(imap.SeqSet)
		set.AddRange(uint32(lo), uint32(min(lo+batch-1, total)))
		ch := make(chan *imap.Message, 256)
		done := make(chan error, 1)
		go func() { done <- c.UidFetch(set, items, ch) }()
		for m := range ch {
			if l := m.GetBody(sec); l != nil && l.Len() > 0 {
				n++
			}
		}
		if err := <-done; err != nil {
			b.Fatal(err)
		}
	}
	return n
}

// fill delivers n messages of about 3 KB to INBOX.
func fill(b *testing.B, s *localimap.Server, n int) {
	b.Helper()
	date := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	for i := range n {
		if _, err := s.Deliver("INBOX", message3K(i), nil, date); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSearchMessageID100k runs UID SEARCH HEADER Message-ID over
// 100,000 messages, as Mail Sync does to find a send's copy in Sent.
func BenchmarkSearchMessageID100k(b *testing.B) {
	const total = 100_000
	s := start(b, localimap.Config{})
	fill(b, s, total)
	c := dial(b, s)
	if _, err := c.Select("INBOX", true); err != nil {
		b.Fatal(err)
	}
	crit := imap.NewSearchCriteria()
	crit.Header.Add("Message-ID", "<m77777@cust.example>")
	for b.Loop() {
		got, err := c.UidSearch(crit)
		if err != nil || len(got) != 1 || got[0] != 77778 {
			b.Fatalf("UidSearch = %v, %v", got, err)
		}
	}
}
