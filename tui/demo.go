package tui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/tui/common"
)

// demoState is the embedded mail server of demo mode, as far as the UI
// knows.
type demoState int

const (
	demoUnknown   demoState = iota // no server, or not asked yet
	demoRunning                    // accepting mail
	demoStopped                    // mail waits in the outbox
	demoSwitching                  // a stop or start is under way
)

// demoStateMsg reports the server's state, after a toggle when toggled.
type demoStateMsg struct {
	running bool
	toggled bool
	err     error
}

// demoInit asks whether the demo server runs.
func (m *Model) demoInit() tea.Cmd {
	srv := m.opts.DemoServer
	if !m.opts.Demo || srv == nil {
		return nil
	}
	return func() tea.Msg { return demoStateMsg{running: srv.Running()} }
}

// toggleDemo stops a running demo server or starts a stopped one. After a
// start the worker is asked to send what waited, so the demo shows the
// queue draining at once.
func (m *Model) toggleDemo() tea.Cmd {
	srv, w := m.opts.DemoServer, m.opts.Worker
	if srv == nil {
		return nil
	}
	stop := m.demo != demoStopped
	m.demo = demoSwitching
	return func() tea.Msg {
		var err error
		if stop {
			err = srv.Stop()
		} else if err = srv.Start(); err == nil && w != nil {
			w.RunNow()
		}
		return demoStateMsg{running: srv.Running(), toggled: true, err: err}
	}
}

func (m *Model) handleDemoState(msg demoStateMsg) tea.Cmd {
	m.demo = demoStopped
	if msg.running {
		m.demo = demoRunning
	}
	switch {
	case msg.err != nil:
		return m.showError("", fmt.Errorf("demo mail server: %w", msg.err), false)
	case !msg.toggled:
		return nil
	case msg.running:
		return m.setStatus("Demo mail server started: queued mail leaves now", common.LevelSuccess)
	}
	return m.setStatus("Demo mail server stopped: new mail waits in the outbox", common.LevelWarning)
}
