package localimap

import (
	"errors"
	"net"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emersion/go-imap"
	"github.com/emersion/go-imap/commands"
	"github.com/emersion/go-imap/server"
)

// connEntry is what the server knows of one open connection: the socket,
// to close it, and go-imap's response queue, to close it at the right
// moment of a FETCH (Failure.DropAfterFetch).
type connEntry struct {
	raw       *trackedConn
	gone      chan struct{}        // closed with the connection
	responses chan<- imap.WriterTo // nil until go-imap has taken the connection
	selected  *folder              // the folder selected, nil if none
}

// trackingListener remembers accepted connections and turns them away
// while the server is Down. It never returns a per-connection error, which
// would stop go-imap's accept loop.
type trackingListener struct {
	net.Listener
	s *Server
}

func (l *trackingListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		s := l.s
		if s.currentFailure().Down {
			_ = c.Close()
			continue
		}
		tc := &trackedConn{Conn: c, s: s, key: c.RemoteAddr().String(), gone: make(chan struct{})}
		s.cmu.Lock()
		s.conns[tc.key] = &connEntry{raw: tc, gone: tc.gone}
		s.cmu.Unlock()
		// Close may have swept the table just before: do not outlive it.
		select {
		case <-s.done:
			_ = tc.Close()
			return nil, net.ErrClosed
		default:
		}
		return tc, nil
	}
}

// trackedConn forgets itself from the table when closed.
type trackedConn struct {
	net.Conn
	s    *Server
	key  string
	gone chan struct{}
	once sync.Once
}

func (c *trackedConn) Close() error {
	c.once.Do(func() {
		c.s.cmu.Lock()
		if e := c.s.conns[c.key]; e != nil && e.raw == c {
			delete(c.s.conns, c.key)
		}
		c.s.cmu.Unlock()
		close(c.gone)
	})
	return c.Conn.Close()
}

// dropConnections closes every open connection and returns how many.
func (s *Server) dropConnections() int {
	s.cmu.Lock()
	conns := make([]*trackedConn, 0, len(s.conns))
	for _, e := range s.conns {
		conns = append(conns, e.raw)
	}
	s.cmu.Unlock()
	for _, c := range conns {
		_ = c.Close()
	}
	return len(conns)
}

// entry returns the connection open from remote, nil if none.
func (s *Server) entry(remote net.Addr) *connEntry {
	if remote == nil {
		return nil
	}
	s.cmu.Lock()
	defer s.cmu.Unlock()
	return s.conns[remote.String()]
}

// errDropped ends a FETCH that Failure.DropAfterFetch cut short; the
// client never sees it, the connection being closed first.
var errDropped = errors.New("connection dropped on purpose (failure switch)")

// dropAfterQueued closes e's connection once go-imap has written every
// response queued before this call, i.e. the FETCH responses already sent.
// go-imap writes a connection's responses one at a time, so a closer queued
// behind them runs after the last one is flushed.
func (s *Server) dropAfterQueued(e *connEntry) {
	s.cmu.Lock()
	responses := e.responses
	s.cmu.Unlock()
	if responses == nil {
		_ = e.raw.Close()
		return
	}
	t := time.NewTimer(5 * time.Second)
	defer t.Stop()
	select {
	case responses <- closer{e.raw}:
	case <-t.C:
		_ = e.raw.Close()
	case <-s.done:
	}
}

// closer is a response that writes nothing and closes the connection.
type closer struct{ c net.Conn }

func (c closer) WriteTo(*imap.Writer) error {
	_ = c.c.Close()
	return errDropped
}

// extension hooks go-imap's server: it advertises SPECIAL-USE, hides and
// refuses IDLE under Failure.NoIdle, records each connection's selected
// folder and learns its response queue.
type extension struct {
	s *Server
	// go-imap's Enable drops an extension that handles IDLE or UNSELECT:
	// handle commands only once enabled.
	enabled atomic.Bool
}

var _ server.ConnExtension = (*extension)(nil)

func (x *extension) Capabilities(server.Conn) []string {
	if x.s.cfg.NoSpecialUse {
		return nil
	}
	return []string{"SPECIAL-USE"}
}

func (x *extension) Command(name string) server.HandlerFactory {
	if !x.enabled.Load() {
		return nil
	}
	s := x.s
	switch name {
	case "IDLE":
		if s.currentFailure().NoIdle {
			return func() server.Handler { return refusedIdle{} }
		}
	case "SELECT":
		return func() server.Handler { return recording{&server.Select{}, s} }
	case "EXAMINE":
		return func() server.Handler { return recording{&server.Select{Select: commands.Select{ReadOnly: true}}, s} }
	case "CLOSE":
		return func() server.Handler { return recording{&server.Close{}, s} }
	case "UNSELECT":
		return func() server.Handler { return recording{&server.Unselect{}, s} }
	}
	return nil
}

func (x *extension) NewConn(c server.Conn) server.Conn {
	e := x.s.entry(c.Info().RemoteAddr)
	if e != nil {
		x.s.cmu.Lock()
		e.responses = c.Context().Responses
		x.s.cmu.Unlock()
	}
	return &conn{Conn: c, s: x.s, entry: e}
}

// conn is go-imap's connection with the capabilities filtered.
type conn struct {
	server.Conn
	s     *Server
	entry *connEntry // nil if the connection was not tracked
}

func (c *conn) Capabilities() []string {
	caps := c.Conn.Capabilities()
	if c.s.currentFailure().NoIdle {
		caps = slices.DeleteFunc(caps, func(s string) bool { return s == "IDLE" })
	}
	return caps
}

// refusedIdle answers IDLE with BAD, as a server without it does.
type refusedIdle struct{}

func (refusedIdle) Parse([]interface{}) error { return nil }

func (refusedIdle) Handle(server.Conn) error {
	return &imap.ErrStatusResp{Resp: &imap.StatusResp{Type: imap.StatusRespBad, Info: "Unknown command IDLE."}}
}
