package demo

import (
	"bytes"
	"log/slog"
	"math/rand/v2"
	netmail "net/mail"
	"strings"
	"sync"
	"time"

	"github.com/leadmail/leadmail/mail/localsmtp"
)

// ResponderOptions configure a Responder.
type ResponderOptions struct {
	// Mailbox is the demo user's mailbox; answers go to its INBOX.
	Mailbox Mailbox
	// MinDelay and MaxDelay bound how long a lead takes to answer: a random
	// time between them, 5 and 20 seconds when zero.
	MinDelay, MaxDelay time.Duration
	// Immediate writes each answer at once, inside Receive, ignoring the
	// delays: for the demo's command-line twins, whose mail server stops
	// as soon as the command ends.
	Immediate bool
	// MaxPending bounds the answers waiting at once (one goroutine each);
	// more are dropped, with a log line. 32 when zero.
	MaxPending int
	// Now is the clock answers are dated with; nil means time.Now.
	Now    func() time.Time
	Logger *slog.Logger
}

// Responder plays the demo's prospects who answer. Its Receive is the
// demo mail server's OnReceive hook: after a message to a lead of
// Answering, a little later, that lead's answer lands in the demo user's
// INBOX — a reply quoting the message, or an out-of-office auto-reply —
// and a message to BouncingAddress comes back as a delivery status
// notification. Everyone else stays silent. Close stops the answers still
// waiting.
type Responder struct {
	o    ResponderOptions
	log  *slog.Logger
	stop chan struct{}

	mu      sync.Mutex
	closed  bool
	pending int
	rnd     *rand.Rand
	wg      sync.WaitGroup
}

// NewResponder returns a Responder writing to o.Mailbox.
func NewResponder(o ResponderOptions) *Responder {
	if o.MinDelay <= 0 && o.MaxDelay <= 0 {
		o.MinDelay, o.MaxDelay = 5*time.Second, 20*time.Second
	}
	o.MaxDelay = max(o.MaxDelay, o.MinDelay)
	if o.MaxPending <= 0 {
		o.MaxPending = 32
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Responder{o: o, log: log, stop: make(chan struct{}), rnd: rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))}
}

// Receive hears a message the demo's mail server accepted and schedules
// the answers it calls for. It returns at once.
func (r *Responder) Receive(m localsmtp.Received) {
	if autoSubmitted(m.Data) {
		return // never answer an answering machine
	}
	for _, rcpt := range m.To {
		rcpt = strings.ToLower(strings.TrimSpace(rcpt))
		p, ok := personaOf(rcpt)
		if !ok && rcpt != BouncingAddress {
			continue
		}
		o, err := originalOf(m.Data, rcpt)
		if err != nil || o.MessageID == "" {
			r.log.Warn("demo lead cannot answer", "to", rcpt, "err", err)
			continue
		}
		if rcpt == BouncingAddress {
			r.later(func(at time.Time) []byte {
				return bounceDSN(o, rcpt, demoMTA, at, randomID(at, demoMTA))
			})
			continue
		}
		r.later(func(at time.Time) []byte { return r.answer(p, o, at) })
	}
}

// answer is p's answer to o, written at at; nil when it cannot be written.
func (r *Responder) answer(p persona, o original, at time.Time) []byte {
	if o.To.Name == "" {
		o.To.Name = p.name
	}
	id := randomID(at, domainOf(o.To.Email))
	var l letter
	if p.how == HowReply {
		first, _, _ := strings.Cut(p.name, " ")
		l = letter{From: o.To, To: o.From, Subject: reSubject(o.Subject), Date: at,
			Text:      p.line + "\n\n" + signOff(first, p.name, "", ""),
			MessageID: id, InReplyTo: &o, Mailer: p.mailer}
	} else {
		l = autoReply(o, at, backOn(at), id, p.mailer)
	}
	raw, err := l.compose()
	if err != nil {
		r.log.Warn("demo lead cannot answer", "to", o.To.Email, "err", err)
		return nil
	}
	return raw
}

// backOn is the day an out-of-office written at at says its author is back:
// the Monday after next.
func backOn(at time.Time) time.Time {
	d := time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, at.Location()).AddDate(0, 0, 8)
	for d.Weekday() != time.Monday {
		d = d.AddDate(0, 0, 1)
	}
	return d
}

// later writes what build returns to the INBOX after a random delay,
// unless the Responder is closed first or too many answers wait already.
func (r *Responder) later(build func(at time.Time) []byte) {
	if r.o.Immediate {
		r.mu.Lock()
		closed := r.closed
		r.mu.Unlock()
		if !closed {
			r.deliver(build)
		}
		return
	}
	r.mu.Lock()
	if r.closed || r.pending >= r.o.MaxPending {
		full := !r.closed
		r.mu.Unlock()
		if full {
			r.log.Warn("demo leads: too many answers waiting, one dropped", "max", r.o.MaxPending)
		}
		return
	}
	r.pending++
	delay := r.o.MinDelay
	if span := r.o.MaxDelay - r.o.MinDelay; span > 0 {
		delay += time.Duration(r.rnd.Int64N(int64(span) + 1))
	}
	r.wg.Add(1)
	r.mu.Unlock()
	go func() {
		defer r.wg.Done()
		defer func() {
			r.mu.Lock()
			r.pending--
			r.mu.Unlock()
		}()
		t := time.NewTimer(delay)
		defer t.Stop()
		select {
		case <-r.stop:
			return
		case <-t.C:
		}
		r.deliver(build)
	}()
}

// deliver writes what build returns, dated now, to the INBOX.
func (r *Responder) deliver(build func(at time.Time) []byte) {
	at := r.o.Now()
	raw := build(at)
	if raw == nil {
		return
	}
	if _, err := r.o.Mailbox.Deliver(FolderInbox, raw, nil, at); err != nil {
		r.log.Warn("demo lead's answer not delivered", "err", err)
		return
	}
	r.log.Info("demo lead answered", "bytes", len(raw))
}

// Close drops the answers still waiting and returns once none is being
// written. Receive does nothing after it.
func (r *Responder) Close() error {
	r.mu.Lock()
	if !r.closed {
		r.closed = true
		close(r.stop)
	}
	r.mu.Unlock()
	r.wg.Wait()
	return nil
}

// autoSubmitted reports whether raw says it was sent by a program
// (Auto-Submitted other than "no", RFC 3834).
func autoSubmitted(raw []byte) bool {
	m, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return false
	}
	v := strings.TrimSpace(m.Header.Get("Auto-Submitted"))
	return v != "" && !strings.EqualFold(v, "no")
}
