package mail

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-smtp"
)

// SMTP sends messages through one mail server, keeping one authenticated
// connection open between sends: a new TLS connection and login per
// message is over 20 times slower. Calls are serialised, so it is safe but
// pointless to share between goroutines.
type SMTP struct {
	cfg  SMTPConfig
	addr string

	mu   sync.Mutex
	c    *smtp.Client // nil when there is no open connection
	conn *guardedConn
}

// NewSMTP returns a sender for cfg. It does not connect: the first Send
// does, so the app can start offline.
func NewSMTP(cfg SMTPConfig) *SMTP {
	cfg = cfg.withDefaults()
	return &SMTP{cfg: cfg, addr: net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port))}
}

// Send delivers raw (a complete RFC 5322 message) from the envelope sender
// to rcpts. It reuses the open connection, reconnecting once if that
// connection turns out to be dead before anything was sent. Cancelling ctx
// or reaching its deadline closes the connection and returns. Every error
// is a *SendError.
func (s *SMTP) Send(ctx context.Context, from string, rcpts []string, raw []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.cfg.Validate(); err != nil {
		return &SendError{Class: ClassPermanent, Msg: "mail settings are not usable: " + err.Error(), Err: err}
	}
	if err := checkEnvelope(from, rcpts); err != nil {
		return err
	}
	f := s.failure()
	f.from = from
	if err := ctx.Err(); err != nil {
		return classify(f, err, err)
	}
	reused := s.c != nil
	if !reused {
		if err := s.connect(ctx); err != nil {
			return err
		}
	}
	start := time.Now()
	st, rcpt, err, ctxErr := s.transact(ctx, from, rcpts, raw)
	if err != nil && reused && st == stageMail && ctxErr == nil && isConnLoss(err) {
		s.cfg.Logger.Debug("smtp: kept connection is dead, reconnecting", "addr", s.addr, "err", err)
		s.drop()
		if err := s.connect(ctx); err != nil {
			return err
		}
		reused = false
		st, rcpt, err, ctxErr = s.transact(ctx, from, rcpts, raw)
	}
	if err == nil && ctxErr != nil {
		s.drop() // ctx fired just as the send completed: the socket is closed
	}
	if err != nil {
		s.abort(err, ctxErr)
		f.stage, f.rcpt = st, rcpt
		se := classify(f, err, ctxErr)
		s.cfg.Logger.Debug("smtp: send failed", "addr", s.addr, "class", se.Class.String(), "code", se.Code, "err", se.Msg)
		return se
	}
	s.cfg.Logger.Debug("smtp: sent", "addr", s.addr, "rcpts", len(rcpts), "bytes", len(raw),
		"reused", reused, "took", time.Since(start))
	return nil
}

// Close says QUIT and closes the kept connection, if any. It waits for a
// Send in progress (cancel its context to end it sooner), is safe to call
// more than once, and a later Send connects again.
func (s *SMTP) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.c == nil {
		return nil
	}
	s.conn.limit = time.Now().Add(min(s.cfg.CommandTimeout, 5*time.Second))
	_ = s.c.Quit() // best effort: the server may already have gone
	err := s.conn.Close()
	s.c, s.conn = nil, nil
	if errors.Is(err, net.ErrClosed) {
		err = nil
	}
	return err
}

func (s *SMTP) failure() failure { return failureFor(s.cfg, s.addr) }

func failureFor(cfg SMTPConfig, addr string) failure {
	return failure{
		addr: addr, host: cfg.Host, user: cfg.Username,
		timeout: cfg.CommandTimeout, implTLS: cfg.Security == SecurityTLS,
	}
}

// checkEnvelope refuses what go-smtp would refuse with a bare error, with a
// sentence instead.
func checkEnvelope(from string, rcpts []string) error {
	bad := func(msg string) error { return &SendError{Class: ClassPermanent, Msg: msg} }
	if from == "" {
		return bad("the message has no sender address")
	}
	if len(rcpts) == 0 {
		return bad("the message has no recipients")
	}
	for _, a := range append([]string{from}, rcpts...) {
		if a == "" || strings.ContainsAny(a, "\r\n<> ") {
			return bad(fmt.Sprintf("%q is not a usable envelope address", a))
		}
	}
	return nil
}

// transact runs one MAIL/RCPT/DATA transaction on the open connection. It
// returns the stage and recipient of a failure, and ctx's error when ctx
// closed the connection under it.
func (s *SMTP) transact(ctx context.Context, from string, rcpts []string, raw []byte) (st stage, rcpt string, err, ctxErr error) {
	release := guard(ctx, s.conn)
	defer func() { ctxErr = release() }()

	opts := &smtp.MailOptions{Size: int64(len(raw))}
	if !isASCII(from) || !allASCII(rcpts) {
		if ok, _ := s.c.Extension("SMTPUTF8"); !ok {
			return stageMail, "", &SendError{Class: ClassPermanent,
				Msg: fmt.Sprintf("mail server %s does not accept non-ASCII addresses (no SMTPUTF8)", s.addr)}, nil
		}
		opts.UTF8 = true
	}
	if max, ok := s.c.MaxMessageSize(); ok && max > 0 && len(raw) > max {
		return stageMail, "", &SendError{Class: ClassPermanent,
			Msg: fmt.Sprintf("the message is %s but mail server %s accepts at most %s", size(len(raw)), s.addr, size(max))}, nil
	}
	if err := s.c.Mail(from, opts); err != nil {
		return stageMail, "", err, nil
	}
	for _, r := range rcpts {
		if err := s.c.Rcpt(r, nil); err != nil {
			return stageRcpt, r, err, nil
		}
	}
	w, err := s.c.Data()
	if err != nil {
		return stageData, "", err, nil
	}
	if _, err := w.Write(raw); err != nil {
		return stageData, "", err, nil
	}
	if err := w.Close(); err != nil {
		return stageDataEnd, "", err, nil
	}
	return 0, "", nil, nil
}

// abort cleans up after a failed transaction: a refused command leaves a
// healthy connection that RSET makes reusable; anything else (lost
// connection, 421, cancelled context) means a new connection next time.
func (s *SMTP) abort(err, ctxErr error) {
	if s.c == nil {
		return
	}
	var own *SendError
	if errors.As(err, &own) {
		return // refused before MAIL: nothing to reset
	}
	var reply *smtp.SMTPError
	if ctxErr == nil && errors.As(err, &reply) && reply.Code != 421 {
		s.conn.limit = time.Now().Add(s.cfg.CommandTimeout)
		rerr := s.c.Reset()
		s.conn.limit = time.Time{}
		if rerr == nil {
			return
		}
	}
	s.drop()
}

// drop closes the connection without QUIT.
func (s *SMTP) drop() {
	if s.conn != nil {
		_ = s.conn.Close()
	}
	s.c, s.conn = nil, nil
}

// isConnLoss reports whether err means the connection itself is gone,
// rather than the server refusing a command.
func isConnLoss(err error) bool {
	var own *SendError
	if errors.As(err, &own) {
		return false
	}
	var reply *smtp.SMTPError
	if errors.As(err, &reply) {
		return reply.Code == 421
	}
	return true
}

// guard makes ctx govern the connection g: its deadline caps every
// socket deadline go-smtp sets, and cancelling it closes the socket, which
// unblocks any read or write. release returns ctx's error if it fired.
func guard(ctx context.Context, g *guardedConn) (release func() error) {
	dl, _ := ctx.Deadline()
	g.limit = dl
	stop := context.AfterFunc(ctx, func() { _ = g.Close() })
	return func() error {
		fired := !stop()
		g.limit = time.Time{}
		switch {
		case fired || ctx.Err() != nil:
			return ctx.Err()
		case !dl.IsZero() && !time.Now().Before(dl):
			// The socket deadline, which is ctx's, can expire a moment
			// before ctx's own timer does.
			return context.DeadlineExceeded
		}
		_ = g.Conn.SetDeadline(time.Time{})
		return nil
	}
}

// guardedConn clamps the deadlines go-smtp sets (it sets one per command
// and clears it after) to the deadline of the operation in progress, and
// bounds each write while go-smtp has no deadline set: it sets none while
// the message body is written, so a server that stops reading would
// otherwise hang a send with no context deadline forever.
type guardedConn struct {
	net.Conn
	stall time.Duration // the longest a single write may block
	// Only touched by the goroutine that owns the connection: the one
	// holding SMTP.mu, or Probe's.
	limit     time.Time  // deadline of the operation in progress
	requested time.Time  // the write deadline go-smtp last asked for
	tap       *tapBuffer // when set, receives what is read (Probe's plaintext dialogue)
}

func (g *guardedConn) Read(p []byte) (int, error) {
	n, err := g.Conn.Read(p)
	if g.tap != nil {
		g.tap.add(p[:n])
	}
	return n, err
}

func (g *guardedConn) Write(p []byte) (int, error) {
	if g.requested.IsZero() && g.stall > 0 {
		_ = g.Conn.SetWriteDeadline(g.clamp(time.Now().Add(g.stall)))
	}
	return g.Conn.Write(p)
}

func (g *guardedConn) clamp(t time.Time) time.Time {
	if !g.limit.IsZero() && (t.IsZero() || g.limit.Before(t)) {
		return g.limit
	}
	return t
}

func (g *guardedConn) SetDeadline(t time.Time) error {
	g.requested = t
	return g.Conn.SetDeadline(g.clamp(t))
}

func (g *guardedConn) SetReadDeadline(t time.Time) error { return g.Conn.SetReadDeadline(g.clamp(t)) }

func (g *guardedConn) SetWriteDeadline(t time.Time) error {
	g.requested = t
	return g.Conn.SetWriteDeadline(g.clamp(t))
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func allASCII(ss []string) bool {
	for _, s := range ss {
		if !isASCII(s) {
			return false
		}
	}
	return true
}

// size words a byte count for people.
func size(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", (n+1023)/1024)
	}
	return fmt.Sprintf("%d bytes", n)
}
