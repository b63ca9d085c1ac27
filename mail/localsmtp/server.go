// Package localsmtp is an SMTP server embedded in leadmail, used by
// `leadmail demo` and by tests. It behaves like a real submission server
// (STARTTLS with a certificate, AUTH offered only under TLS, MAIL refused
// before AUTH) so the client code path is the production one, keeps what it
// receives in memory and optionally as .eml files, and can be told to fail
// in each of the ways a real server does.
package localsmtp

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log/slog"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emersion/go-smtp"
)

// Config configures a local server. The zero value is a server on a random
// loopback port with no AUTH, no mailbox directory and no log.
type Config struct {
	Addr string // listen address of the STARTTLS listener; "127.0.0.1:0" when empty
	// Username and Password, when Username is set, make AUTH mandatory:
	// MAIL before AUTH is answered 530.
	Username, Password string
	// Mechanisms offered once under TLS; PLAIN and LOGIN when empty.
	Mechanisms []string
	// MailboxDir, when set, receives each message as
	// <unix-nanos>-<message-id>.eml, written atomically.
	MailboxDir  string
	ImplicitTLS bool   // also listen with implicit TLS on 127.0.0.1:0
	Domain      string // greeting name; "localhost" when empty
	// InsecureAuth also offers AUTH on the plaintext connection, before
	// STARTTLS, as a misconfigured server does; `leadmail doctor` warns.
	InsecureAuth bool
	// Logger receives connection errors and a line per message (never the
	// content). nil discards: go-smtp's default would write to stderr,
	// over the TUI.
	Logger *slog.Logger
	// OnReceive, when set, is called with each accepted message once it is
	// recorded (and saved), before the client hears 250. It runs on the
	// session's goroutine, so it must return quickly: the demo's prospects
	// who answer only schedule their answer in it.
	OnReceive func(Received)
}

// Received is one accepted message.
type Received struct {
	From string   // envelope sender
	To   []string // envelope recipients
	Data []byte   // the message as received
	User string   // the authenticated user, "" without AUTH
}

// Failure makes the server fail on purpose, for tests of the client's error
// handling. The zero value fails nothing.
type Failure struct {
	Auth       bool          // refuse every login with 535 5.7.8
	MailCode   int           // reply to MAIL with this code (e.g. 451, 550)
	RcptCode   int           // reply to every RCPT with this code (e.g. 450, 550)
	DataCode   int           // reply to the end of DATA with this code (e.g. 451, 554)
	DropInData bool          // close the connection in the middle of DATA
	Delay      time.Duration // wait this long before answering DATA
}

// Server is a local SMTP server. It can be stopped and started again on the
// same ports (see Stop), and its methods are safe for concurrent use.
type Server struct {
	cfg     Config
	log     *slog.Logger
	cert    tls.Certificate
	pool    *x509.CertPool
	addr    string // the STARTTLS listener's host:port, fixed by the first start
	tlsAddr string // the implicit TLS listener's, "" without one
	conns   atomic.Int64
	running atomic.Bool

	life   sync.Mutex // serialises Start, Stop and Close
	cur    *run       // the listeners of the current start; nil while stopped
	closed bool

	mu        sync.Mutex
	messages  []Received
	failure   Failure
	open      map[*trackedConn]struct{}
	lastStamp int64 // last unix-nanos used in a file name, to keep them unique
}

// Start generates a certificate, listens and serves until Close; Stop and
// the Start method take it down and bring it back on the same ports.
func Start(cfg Config) (*Server, error) {
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:0"
	}
	if cfg.Domain == "" {
		cfg.Domain = "localhost"
	}
	if len(cfg.Mechanisms) == 0 {
		cfg.Mechanisms = []string{mechPlain, mechLogin}
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.MailboxDir != "" {
		if err := os.MkdirAll(cfg.MailboxDir, 0o700); err != nil {
			return nil, fmt.Errorf("create mailbox directory: %w", err)
		}
	}
	cert, err := selfSigned(time.Now())
	if err != nil {
		return nil, fmt.Errorf("generate certificate: %w", err)
	}
	s := &Server{
		cfg:  cfg,
		log:  log,
		cert: cert,
		pool: x509.NewCertPool(),
		open: map[*trackedConn]struct{}{},
	}
	s.pool.AddCert(cert.Leaf)

	tlsAddr := ""
	if cfg.ImplicitTLS {
		tlsAddr = "127.0.0.1:0"
	}
	r, err := s.listen(cfg.Addr, tlsAddr)
	if err != nil {
		return nil, err
	}
	// Port 0 picked free ports: a later Start must reuse these, not pick anew.
	s.addr = r.ln.Addr().String()
	if r.tlsLn != nil {
		s.tlsAddr = r.tlsLn.Addr().String()
	}
	s.begin(r)
	return s, nil
}

// newSMTPServer configures go-smtp like a real submission server.
func (s *Server) newSMTPServer(be smtp.Backend) *smtp.Server {
	srv := smtp.NewServer(be)
	srv.Domain = s.cfg.Domain
	srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{s.cert}, MinVersion: tls.VersionTLS12}
	srv.AllowInsecureAuth = s.cfg.InsecureAuth // AUTH only under TLS, like a real provider, unless told
	srv.MaxMessageBytes = 32 << 20             // advertised as SIZE, which clients check first
	srv.MaxRecipients = 100
	srv.ReadTimeout = 10 * time.Minute
	srv.WriteTimeout = time.Minute
	srv.EnableSMTPUTF8 = true
	srv.ErrorLog = errorLog{s.log}
	return srv
}

// Addr is the host:port of the STARTTLS listener. It stays the same across
// Stop and Start.
func (s *Server) Addr() string { return s.addr }

// TLSAddr is the host:port of the implicit TLS listener, "" without one.
func (s *Server) TLSAddr() string { return s.tlsAddr }

// Host is the host of the STARTTLS listener, e.g. "127.0.0.1".
func (s *Server) Host() string {
	h, _, _ := net.SplitHostPort(s.Addr())
	return h
}

// Port is the port of the STARTTLS listener.
func (s *Server) Port() int { return portOf(s.Addr()) }

// TLSPort is the port of the implicit TLS listener, 0 without one.
func (s *Server) TLSPort() int { return portOf(s.TLSAddr()) }

func portOf(addr string) int {
	_, p, _ := net.SplitHostPort(addr)
	n, _ := strconv.Atoi(p)
	return n
}

// CertPool returns a pool holding the server's certificate.
func (s *Server) CertPool() *x509.CertPool { return s.pool.Clone() }

// TLSConfig returns a client configuration that trusts the server. The
// certificate names localhost, 127.0.0.1 and ::1, so it verifies whichever
// the client dials; ServerName is "localhost".
func (s *Server) TLSConfig() *tls.Config {
	return &tls.Config{RootCAs: s.CertPool(), ServerName: "localhost", MinVersion: tls.VersionTLS12}
}

// Messages returns the messages received so far, oldest first.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Received, len(s.messages))
	for i, m := range s.messages {
		m.To = slices.Clone(m.To)
		out[i] = m
	}
	return out
}

// Connections is the number of connections accepted so far, on both
// listeners: tests use it to check that a client reuses its connection.
func (s *Server) Connections() int { return int(s.conns.Load()) }

// SetFailure replaces the failure switches; Failure{} turns them off.
func (s *Server) SetFailure(f Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failure = f
}

func (s *Server) currentFailure() Failure {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.failure
}

// DropConnections closes every open client connection, as a server does
// with idle ones, and returns how many it closed. Tests use it to check
// that a client notices and reconnects.
func (s *Server) DropConnections() int {
	s.mu.Lock()
	conns := make([]*trackedConn, 0, len(s.open))
	for c := range s.open {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		_ = c.Close()
	}
	return len(conns)
}

// trackingListener counts and remembers accepted connections.
type trackingListener struct {
	net.Listener
	r *run
}

func (l *trackingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	s := l.r.s
	s.conns.Add(1)
	tc := &trackedConn{Conn: c, s: s}
	s.mu.Lock()
	s.open[tc] = struct{}{}
	s.mu.Unlock()
	// A connection accepted while Stop runs may have missed its sweep of
	// open connections; Stop closes r.stop before sweeping, so this catches it.
	select {
	case <-l.r.stop:
		_ = tc.Close()
		return nil, net.ErrClosed
	default:
	}
	return tc, nil
}

type trackedConn struct {
	net.Conn
	s    *Server
	once sync.Once
}

func (c *trackedConn) Close() error {
	c.once.Do(func() {
		c.s.mu.Lock()
		delete(c.s.open, c)
		c.s.mu.Unlock()
	})
	return c.Conn.Close()
}

// errorLog routes go-smtp's internal errors to slog instead of stderr.
type errorLog struct{ l *slog.Logger }

func (e errorLog) Printf(format string, v ...any) {
	e.l.Warn("smtp server: " + strings.TrimSpace(fmt.Sprintf(format, v...)))
}

func (e errorLog) Println(v ...any) {
	e.l.Warn("smtp server: " + strings.TrimSpace(fmt.Sprintln(v...)))
}
