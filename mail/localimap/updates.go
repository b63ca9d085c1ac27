package localimap

import (
	"sync"
	"time"

	"github.com/emersion/go-imap"
	"github.com/emersion/go-imap/backend"
)

// note is an unsolicited response for the connections that have a folder
// selected (EXISTS, EXPUNGE, FETCH FLAGS), which go-imap writes at once to
// an idling client and after the current command to a busy one.
type note = backend.Update

// updateWait bounds how long one note may take to reach every connection
// before the next is sent: a connection in the middle of a long FETCH
// answers only after it.
const updateWait = 2 * time.Second

// existsNote says f now holds len(f.msgs) messages. The caller holds s.mu.
func existsNote(f *folder) note {
	st := imap.NewMailboxStatus(f.name, []imap.StatusItem{imap.StatusMessages})
	st.Messages = uint32(len(f.msgs))
	return &backend.MailboxUpdate{Update: backend.NewUpdate("", f.name), MailboxStatus: st}
}

// expungeNote says message seq of f is gone. The caller holds s.mu.
func expungeNote(f *folder, seq uint32) note {
	return &backend.ExpungeUpdate{Update: backend.NewUpdate("", f.name), SeqNum: seq}
}

// flagsNote gives the new flags of message seq of f. The caller holds s.mu.
func flagsNote(f *folder, seq uint32, m *message) note {
	msg := imap.NewMessage(seq, []imap.FetchItem{imap.FetchFlags, imap.FetchUid})
	msg.Flags = append([]string(nil), m.flags...)
	msg.Uid = m.uid
	return &backend.MessageUpdate{Update: backend.NewUpdate("", f.name), Message: msg}
}

// pump hands notes to go-imap one at a time, in order: go-imap fans each
// out to the connections in goroutines of its own, so two notes sent
// together could reach a client in either order.
type pump struct {
	done  <-chan struct{}
	out   chan backend.Update // go-imap reads it (backend.BackendUpdater)
	wake  chan struct{}
	mu    sync.Mutex
	queue []note
}

func newPump(done <-chan struct{}) *pump {
	return &pump{done: done, out: make(chan backend.Update), wake: make(chan struct{}, 1)}
}

// push queues notes without waiting.
func (p *pump) push(notes ...note) {
	if len(notes) == 0 {
		return
	}
	for _, n := range notes {
		n.Done() // go-imap closes it; make it now, before anyone races for it
	}
	p.mu.Lock()
	p.queue = append(p.queue, notes...)
	p.mu.Unlock()
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// run forwards the queue until done.
func (p *pump) run() {
	for {
		select {
		case <-p.done:
			return
		case <-p.wake:
		}
		p.mu.Lock()
		batch := p.queue
		p.queue = nil
		p.mu.Unlock()
		for _, n := range batch {
			select {
			case p.out <- n:
			case <-p.done:
				return
			}
			if !wait(n, p.done) {
				return
			}
		}
	}
}

// wait waits until n reached every connection, updateWait at most; false
// when done closed.
func wait(n note, done <-chan struct{}) bool {
	t := time.NewTimer(updateWait)
	defer t.Stop()
	select {
	case <-n.Done():
	case <-t.C:
	case <-done:
		return false
	}
	return true
}

// send queues notes for the connections.
func (s *Server) send(notes ...note) { s.upd.push(notes...) }

// sendWait queues notes and waits until they were written, so that a
// command's own unsolicited responses come before its tagged answer.
func (s *Server) sendWait(notes ...note) {
	if len(notes) == 0 {
		return
	}
	s.upd.push(notes...)
	for _, n := range notes {
		if !wait(n, s.done) {
			return
		}
	}
}
