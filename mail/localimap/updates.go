package localimap

import (
	"sync"
	"time"

	"github.com/emersion/go-imap"
	"github.com/emersion/go-imap/responses"
	"github.com/emersion/go-imap/server"
)

// New mail reaches the connections that have its folder selected as an
// unsolicited "* n EXISTS": at once to an idling client, after the current
// command to a busy one.
//
// The backend does not implement go-imap's backend.BackendUpdater: go-imap
// v1.2.1 dispatches those updates by reading each connection's selected
// mailbox from another goroutine than the one that sets it (a data race the
// race detector reports in every test that selects while mail arrives),
// and its dispatcher can never be stopped. This server records selections
// itself (the SELECT, EXAMINE, CLOSE and UNSELECT wrappers below) and
// writes EXISTS through each connection's own response queue. Without
// BackendUpdater, go-imap answers STORE with FETCH FLAGS and EXPUNGE with
// EXPUNGE responses itself, to the connection that asked.

// updateWait bounds how long a note may wait for one connection: a
// connection in the middle of a long FETCH writes it only after.
const updateWait = 2 * time.Second

// note is an EXISTS for the connections that have f selected.
type note struct {
	f         *folder
	resp      imap.WriterTo
	processed chan struct{} // closed once written (or given up on) everywhere
}

// existsNote says f now holds len(f.msgs) messages. The caller holds s.mu.
func existsNote(f *folder) *note {
	st := imap.NewMailboxStatus(f.name, []imap.StatusItem{imap.StatusMessages})
	st.Messages = uint32(len(f.msgs))
	return &note{f: f, resp: &responses.Select{Mailbox: st}, processed: make(chan struct{})}
}

// pump writes notes one at a time, in order, so that a client never sees
// EXISTS counts go backwards.
type pump struct {
	s     *Server
	wake  chan struct{}
	mu    sync.Mutex
	queue []*note
}

func newPump(s *Server) *pump { return &pump{s: s, wake: make(chan struct{}, 1)} }

// push queues notes without waiting.
func (p *pump) push(notes ...*note) {
	if len(notes) == 0 {
		return
	}
	p.mu.Lock()
	p.queue = append(p.queue, notes...)
	p.mu.Unlock()
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// run writes the queue until the server closes.
func (p *pump) run() {
	for {
		select {
		case <-p.s.done:
			return
		case <-p.wake:
		}
		p.mu.Lock()
		batch := p.queue
		p.queue = nil
		p.mu.Unlock()
		for _, n := range batch {
			for _, e := range p.s.selecting(n.f) {
				p.s.writeTo(e, n.resp)
			}
			close(n.processed)
		}
	}
}

// selecting returns the connections that have f selected.
func (s *Server) selecting(f *folder) []*connEntry {
	s.cmu.Lock()
	defer s.cmu.Unlock()
	var out []*connEntry
	for _, e := range s.conns {
		if e.selected == f && e.responses != nil {
			out = append(out, e)
		}
	}
	return out
}

// writeTo queues resp on e's connection and waits until it is written,
// updateWait at most.
func (s *Server) writeTo(e *connEntry, resp imap.WriterTo) {
	w := &signalled{WriterTo: resp, done: make(chan struct{})}
	t := time.NewTimer(updateWait)
	defer t.Stop()
	select {
	case e.responses <- w:
	case <-e.gone:
		return
	case <-t.C:
		return
	case <-s.done:
		return
	}
	select {
	case <-w.done:
	case <-e.gone:
	case <-t.C:
	case <-s.done:
	}
}

// signalled is a response that says when it has been written.
type signalled struct {
	imap.WriterTo
	done chan struct{}
}

func (w *signalled) WriteTo(iw *imap.Writer) error {
	defer close(w.done)
	return w.WriterTo.WriteTo(iw)
}

// send queues notes for the connections.
func (s *Server) send(notes ...*note) { s.upd.push(notes...) }

// sendWait queues notes and waits until they were written, so that a
// command's own unsolicited responses come before its tagged answer.
func (s *Server) sendWait(notes ...*note) {
	s.upd.push(notes...)
	for _, n := range notes {
		select {
		case <-n.processed:
		case <-s.done:
			return
		}
	}
}

// recording wraps go-imap's SELECT, EXAMINE, CLOSE and UNSELECT to
// record the folder selected after them.
type recording struct {
	server.Handler
	s *Server
}

func (r recording) Handle(conn server.Conn) error {
	err := r.Handler.Handle(conn)
	r.s.recordSelection(conn)
	return err
}

// recordSelection notes which folder conn has selected now. It runs in
// the goroutine serving conn, the one that sets its context.
func (s *Server) recordSelection(sc server.Conn) {
	c, ok := sc.(*conn)
	if !ok || c.entry == nil {
		return
	}
	var f *folder
	if mb, ok := sc.Context().Mailbox.(*mailbox); ok {
		f = mb.f
	}
	s.cmu.Lock()
	c.entry.selected = f
	s.cmu.Unlock()
}
