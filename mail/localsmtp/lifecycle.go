package localsmtp

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"sync"
	"syscall"
	"time"

	"github.com/emersion/go-smtp"
)

// ErrClosed is returned by Start on a server that was closed.
var ErrClosed = errors.New("localsmtp: server closed")

// rebindFor is how long Start keeps retrying a port that is still taken:
// the listening socket's port can be briefly busy after Stop.
const rebindFor = 3 * time.Second

// run is one period of listening, from a start to the next Stop or Close.
// go-smtp's Server cannot serve again once closed, so each run has its own.
type run struct {
	s     *Server
	srv   *smtp.Server
	ln    net.Listener // STARTTLS
	tlsLn net.Listener // implicit TLS, nil unless Config.ImplicitTLS
	stop  chan struct{}
	wg    sync.WaitGroup
}

// listen binds the listeners of a new run; tlsAddr "" means none.
func (s *Server) listen(addr, tlsAddr string) (*run, error) {
	r := &run{s: s, stop: make(chan struct{})}
	r.srv = s.newSMTPServer(smtp.BackendFunc(r.newSession))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	r.ln = &trackingListener{Listener: ln, r: r}
	if tlsAddr != "" {
		tl, err := net.Listen("tcp", tlsAddr)
		if err != nil {
			_ = ln.Close()
			return nil, fmt.Errorf("listen for implicit TLS on %s: %w", tlsAddr, err)
		}
		r.tlsLn = tls.NewListener(&trackingListener{Listener: tl, r: r}, r.srv.TLSConfig)
	}
	return r, nil
}

// begin serves r as the current run. The caller holds s.life, or owns s
// alone (the package's Start).
func (s *Server) begin(r *run) {
	s.cur = r
	s.running.Store(true)
	for _, l := range []net.Listener{r.ln, r.tlsLn} {
		if l == nil {
			continue
		}
		r.wg.Go(func() {
			if err := r.srv.Serve(l); err != nil {
				s.log.Warn("local SMTP server stopped", "addr", l.Addr().String(), "err", err)
			}
		})
	}
	s.log.Info("local SMTP server listening", "addr", s.addr, "tls_addr", s.tlsAddr, "auth", s.cfg.Username != "")
}

// end stops the current run, if any: no more accepts, every connection
// closed, a delayed DATA woken. The caller holds s.life.
func (s *Server) end() error {
	r := s.cur
	if r == nil {
		return nil
	}
	s.cur = nil
	s.running.Store(false)
	close(r.stop)
	var err error
	if cerr := r.srv.Close(); cerr != nil && !errors.Is(cerr, smtp.ErrServerClosed) && !errors.Is(cerr, net.ErrClosed) {
		err = cerr
	}
	// go-smtp registers a listener only once Serve runs, so a stop right
	// after a start would leave it accepting forever: close ours.
	_ = r.ln.Close()
	if r.tlsLn != nil {
		_ = r.tlsLn.Close()
	}
	r.wg.Wait()
	// go-smtp closes the connections it has registered; one accepted but
	// not yet registered would survive, so close everything we track.
	s.DropConnections()
	return err
}

// Stop takes the server down as if it went away: it stops listening and
// closes every open connection, so clients get "connection refused" until
// Start. Messages, failure switches and counters are kept, and the demo
// uses Stop and Start to show mail queueing while offline. Stopping a
// stopped or closed server does nothing.
func (s *Server) Stop() error {
	s.life.Lock()
	defer s.life.Unlock()
	if s.cur == nil {
		return nil
	}
	err := s.end()
	s.log.Info("local SMTP server stopped", "addr", s.addr, "err", err)
	return err
}

// Start listens again after Stop, on the same host:port(s) as before, so a
// client configured with that port reconnects. It retries for a few seconds
// while the port is still taken. Starting a running server does nothing;
// starting a closed one returns ErrClosed.
func (s *Server) Start() error {
	s.life.Lock()
	defer s.life.Unlock()
	switch {
	case s.closed:
		return ErrClosed
	case s.cur != nil:
		return nil
	}
	deadline := time.Now().Add(rebindFor)
	for delay := 10 * time.Millisecond; ; delay = min(2*delay, 250*time.Millisecond) {
		r, err := s.listen(s.addr, s.tlsAddr)
		if err == nil {
			s.begin(r)
			return nil
		}
		if !errors.Is(err, syscall.EADDRINUSE) || time.Now().After(deadline) {
			return err
		}
		time.Sleep(delay)
	}
}

// Running reports whether the server is listening: false after Stop until
// Start, and after Close.
func (s *Server) Running() bool { return s.running.Load() }

// Close stops listening and closes every connection, for good: a later
// Start fails. It is idempotent.
func (s *Server) Close() error {
	s.life.Lock()
	defer s.life.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	return s.end()
}
