// Package localimap is an IMAP server embedded in leadmail, used by tests,
// benchmarks and `leadmail demo`. It behaves like a real provider so the
// client code path is the production one: STARTTLS with a generated
// certificate (or TLS from the first byte), LOGIN refused before TLS,
// special-use folders (or Gmail's layout), UIDVALIDITY and UIDNEXT per
// folder, IDLE that sees new mail at once. It keeps messages in memory and
// optionally as files, and can be told to fail in the ways a real server
// does (see Failure).
//
// It is built on github.com/emersion/go-imap v1's server package with a
// backend of its own (backend.go), which parses each message's header once
// at delivery so that header-only FETCHes stream fast.
package localimap

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-imap/server"

	"github.com/leadmail/leadmail/mail/localsmtp"
)

// Config configures a local server. The zero value is a STARTTLS server on
// a random loopback port with the default folders, in memory, no log; it
// refuses every login until Username is set.
type Config struct {
	Addr string // listen address; "127.0.0.1:0" when empty. Only loopback is allowed.
	// Username and Password are the one account's login.
	Username, Password string
	// ImplicitTLS speaks TLS from the first byte (port 993 style);
	// otherwise the server offers STARTTLS and refuses LOGIN before it.
	ImplicitTLS bool
	// Gmail lays folders out as Gmail does: INBOX, [Gmail]/All Mail (\All,
	// holding a copy of everything but Trash and Spam), [Gmail]/Sent Mail
	// (\Sent), [Gmail]/Drafts, [Gmail]/Trash, [Gmail]/Spam (\Junk).
	Gmail bool
	// NoSpecialUse lists folders without special-use attributes and does not
	// advertise SPECIAL-USE, as old servers do.
	NoSpecialUse bool
	// Dir, when set, keeps each folder under Dir/<folder>/ as <uid>.eml
	// files plus a state file, written atomically; Start loads what is there.
	// One server at a time keeps a Dir: Start fails with ErrDirInUse while
	// another process's server has it.
	Dir string
	// PlainLogin accepts LOGIN before STARTTLS. The address is loopback
	// anyway; it is for clients that cannot be told to trust the server's
	// throwaway certificate (the demo's command-line twins).
	PlainLogin bool
	// Logger receives connection errors and a line per delivery (never the
	// content). nil discards: go-imap's default would write to stderr.
	Logger *slog.Logger
}

// ErrDirInUse is returned by Start when another server keeps Config.Dir.
var ErrDirInUse = errors.New("another local IMAP server is using the mailbox directory")

// Failure makes the server fail on purpose, for tests of the client's error
// handling. The zero value fails nothing.
type Failure struct {
	// Down closes every connection, open or new, at once, as a server that
	// went away; new connections are accepted and closed before a greeting.
	Down bool
	// Login refuses every login with NO [AUTHENTICATIONFAILED].
	Login bool
	// DropAfterFetch, when above zero, closes the connection once a FETCH
	// command has sent that many messages (and has more to send): the
	// client gets exactly that many, then the connection ends.
	DropAfterFetch int
	// NoIdle stops advertising IDLE in the capabilities given after login,
	// and refuses the IDLE command.
	NoIdle bool
}

// Server is a running local IMAP server. Its methods are safe for
// concurrent use.
type Server struct {
	cfg  Config
	log  *slog.Logger
	cert tls.Certificate
	pool *x509.CertPool
	ln   net.Listener
	imap *server.Server
	ext  *extension
	upd  *pump
	done chan struct{}
	wg   sync.WaitGroup

	closeOnce sync.Once
	closeErr  error

	// mu guards the mailbox: folders, messages, flags.
	mu      sync.RWMutex
	folders []*folder        // in LIST order
	uidSeed uint32           // last UIDVALIDITY handed out
	dirty   map[*folder]bool // state files to write (Config.Dir)

	flushWake chan struct{}
	unlock    func() // releases Config.Dir's lock; nil without a Dir

	// cmu guards the connection table and the failure switches.
	cmu     sync.Mutex
	failure Failure
	conns   map[string]*connEntry // by remote address
}

// Start loads Config.Dir if set, generates a certificate, listens and
// serves until Close.
func Start(c Config) (*Server, error) {
	if c.Addr == "" {
		c.Addr = "127.0.0.1:0"
	}
	if err := checkLoopback(c.Addr); err != nil {
		return nil, err
	}
	log := c.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cert, err := localsmtp.SelfSigned("leadmail local IMAP", time.Now())
	if err != nil {
		return nil, fmt.Errorf("generate certificate: %w", err)
	}
	s := &Server{
		cfg:   c,
		log:   log,
		cert:  cert,
		pool:  x509.NewCertPool(),
		done:  make(chan struct{}),
		conns: map[string]*connEntry{},
		dirty: map[*folder]bool{},

		flushWake: make(chan struct{}, 1),
	}
	s.pool.AddCert(cert.Leaf)
	if err := s.loadFolders(); err != nil {
		return nil, err
	}

	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		s.releaseDir()
		return nil, fmt.Errorf("listen on %s: %w", c.Addr, err)
	}
	tlsCfg := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	s.ln = &trackingListener{Listener: ln, s: s}
	serveLn := s.ln
	if c.ImplicitTLS {
		serveLn = tls.NewListener(s.ln, tlsCfg)
	}

	s.upd = newPump(s)
	s.ext = &extension{s: s}
	srv := server.New(&imapBackend{s: s})
	srv.TLSConfig = tlsCfg
	srv.AllowInsecureAuth = c.PlainLogin // by default LOGIN only under TLS, like a real provider
	srv.MaxLiteralSize = maxMessageBytes
	srv.AutoLogout = server.MinAutoLogout // a silent client is logged out after 30 minutes (RFC 3501's floor)
	srv.ErrorLog = errorLog{log}
	srv.Enable(s.ext)
	s.ext.enabled.Store(true)
	s.imap = srv

	s.wg.Go(s.upd.run)
	if c.Dir != "" {
		s.wg.Go(s.flushLoop)
	}
	s.wg.Go(func() {
		if err := srv.Serve(serveLn); err != nil && !errors.Is(err, net.ErrClosed) {
			s.log.Warn("local IMAP server stopped", "addr", s.Addr(), "err", err)
		}
	})
	s.log.Info("local IMAP server listening", "addr", s.Addr(), "implicit_tls", c.ImplicitTLS, "gmail", c.Gmail, "dir", c.Dir)
	return s, nil
}

// maxMessageBytes bounds an APPENDed message, as providers do (Gmail: 35 MB).
const maxMessageBytes = 64 << 20

// checkLoopback refuses a listen address that is not a loopback IP: this
// server has one fixed password and a throwaway certificate.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("listen address %q is not host:port: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("listen address %q is not a loopback address; the local IMAP server listens on 127.0.0.1 only", addr)
	}
	return nil
}

// Addr is the host:port the server listens on.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Host is the host the server listens on, e.g. "127.0.0.1".
func (s *Server) Host() string {
	h, _, _ := net.SplitHostPort(s.Addr())
	return h
}

// Port is the port the server listens on.
func (s *Server) Port() int {
	_, p, _ := net.SplitHostPort(s.Addr())
	n, _ := strconv.Atoi(p)
	return n
}

// CertPool returns a pool holding the server's certificate.
func (s *Server) CertPool() *x509.CertPool { return s.pool.Clone() }

// TLSConfig returns a client configuration that trusts the server. The
// certificate names localhost, 127.0.0.1 and ::1; ServerName is
// "localhost".
func (s *Server) TLSConfig() *tls.Config {
	return &tls.Config{RootCAs: s.CertPool(), ServerName: "localhost", MinVersion: tls.VersionTLS12}
}

// Fail replaces the failure switches; Failure{} heals. Turning Down on
// closes every open connection.
func (s *Server) Fail(f Failure) {
	s.cmu.Lock()
	s.failure = f
	s.cmu.Unlock()
	if f.Down {
		s.dropConnections()
	}
}

func (s *Server) currentFailure() Failure {
	s.cmu.Lock()
	defer s.cmu.Unlock()
	return s.failure
}

// Close stops listening, closes every connection, waits for the server's
// goroutines and those serving connections and, with Dir, leaves the
// folders on disk. It is idempotent.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		close(s.done)
		_ = s.ln.Close()
		if err := s.imap.Close(); err != nil {
			s.closeErr = err
		}
		s.dropConnections()
		s.wg.Wait()
		s.waitConnsGone(5 * time.Second)
		s.flushDirty()
		s.releaseDir()
		s.log.Info("local IMAP server closed", "addr", s.Addr())
	})
	return s.closeErr
}

// releaseDir lets another server keep Config.Dir.
func (s *Server) releaseDir() {
	if s.unlock != nil {
		s.unlock()
		s.unlock = nil
	}
}

// waitConnsGone waits, at most d, until go-imap has finished serving every
// connection it accepted (they are closed already, so this is quick).
func (s *Server) waitConnsGone(d time.Duration) {
	deadline := time.Now().Add(d)
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for time.Now().Before(deadline) {
		n := 0
		s.imap.ForEachConn(func(server.Conn) { n++ })
		if n == 0 {
			return
		}
		<-tick.C
	}
	s.log.Warn("local IMAP server: connections still serving after close")
}

// errorLog routes go-imap's internal errors to slog instead of stderr.
type errorLog struct{ l *slog.Logger }

func (e errorLog) Printf(format string, v ...any) {
	e.l.Debug("imap server: " + strings.TrimSpace(fmt.Sprintf(format, v...)))
}

func (e errorLog) Println(v ...any) {
	e.l.Debug("imap server: " + strings.TrimSpace(fmt.Sprintln(v...)))
}
