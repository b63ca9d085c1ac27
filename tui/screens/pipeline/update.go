package pipeline

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
)

// Update implements common.Screen.
func (m *Model) Update(msg tea.Msg) (common.Screen, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case loadedMsg:
		m.handleLoaded(msg)
	case pageMsg:
		cmd = m.handlePage(msg)
	case totalsMsg:
		m.handleTotals(msg)
	case actionMsg:
		cmd = m.handleAction(msg)
	case mailMsg:
		if msg.err != nil {
			m.Post(common.ErrorMsg{Err: fmt.Errorf("smart mail for %s: %w", common.Printable(msg.opp.Name), msg.err)})
		} else {
			m.Post(common.OpenPickerMsg{Contact: msg.contact, OpportunityID: msg.opp.ID})
		}
	case tea.WindowSizeMsg:
		if m.resized {
			m.resized = false
			cmd = m.load()
		}
	case common.OpportunityChangedMsg, common.ContactChangedMsg:
		if m.state == stateReady {
			cmd = m.refresh()
		}
	case common.StagesChangedMsg:
		cmd = m.reload() // the columns are the stages
	case common.ThemeChangedMsg:
		m.reason.SetStyles(m.c.Styles.Input)
	case tea.KeyPressMsg:
		if m.asking {
			cmd = m.handleReasonKey(msg)
		} else {
			cmd = m.handleKey(msg)
		}
	case tea.PasteMsg:
		if m.asking {
			m.reason, cmd = m.reason.Update(msg)
		}
	}
	m.updateKeys()
	return m, cmd
}

func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	o, _ := m.Selected()
	switch {
	case key.Matches(msg, k.Left):
		m.focus = max(0, m.focus-1)
		m.clampLeft()
	case key.Matches(msg, k.Right):
		m.focus = min(len(m.cols)-1, m.focus+1)
		m.clampLeft()
	case key.Matches(msg, k.Up):
		return m.moveCursor(-1)
	case key.Matches(msg, k.Down):
		return m.moveCursor(1)
	case key.Matches(msg, k.PageUp):
		return m.turnPage(-1)
	case key.Matches(msg, k.PageDown):
		return m.turnPage(1)
	case key.Matches(msg, k.Top):
		m.cols[m.focus].cursor = 0
		if m.cols[m.focus].page.HasPrev {
			return m.readPage(m.focus, nil, nil, 0, 0)
		}
	case key.Matches(msg, k.Open):
		m.Post(common.OpenOpportunityMsg{OpportunityID: o.ID})
	case key.Matches(msg, k.Mail):
		return m.mail(o)
	case key.Matches(msg, k.Next):
		return m.run(actMove, o, m.neighbour(o, 1), "")
	case key.Matches(msg, k.Prev):
		return m.run(actMove, o, m.neighbour(o, -1), "")
	case key.Matches(msg, k.Won):
		return m.run(actWon, o, store.Stage{}, "")
	case key.Matches(msg, k.Lost):
		m.asking, m.target = true, o
		m.reason.Reset()
		return m.reason.Focus()
	case key.Matches(msg, k.New):
		var stage int64
		if m.focus < len(m.cols) && m.cols[m.focus].stage.Outcome == store.OutcomeOpen {
			stage = m.cols[m.focus].stage.ID
		}
		m.Post(common.NewOpportunityMsg{StageID: stage})
	case key.Matches(msg, k.Mine):
		if m.filter.owner == m.opts.Me.ID {
			m.filter.owner = 0
		} else {
			m.filter.owner = m.opts.Me.ID
		}
		return m.reload()
	case key.Matches(msg, k.Owner):
		m.filter.owner = m.nextOwner()
		return m.reload()
	case key.Matches(msg, k.Closing):
		m.filter.closing = !m.filter.closing
		return m.reload()
	case key.Matches(msg, k.Closed):
		m.showClosed = !m.showClosed
		return m.reload()
	case key.Matches(msg, k.Reload):
		return m.reload()
	case key.Matches(msg, k.Stages):
		m.Post(common.OpenStagesMsg{})
	case key.Matches(msg, k.Back):
		m.Post(common.BackMsg{})
	}
	return nil
}

// reload reads everything again from the first pages, after the filter
// or the columns changed.
func (m *Model) reload() tea.Cmd {
	m.state = stateLoading
	return m.load()
}

// nextOwner is the owner filter after the current one: everyone's, then
// each user in turn.
func (m *Model) nextOwner() int64 {
	if len(m.users) == 0 {
		return 0
	}
	i := slices.IndexFunc(m.users, func(u store.User) bool { return u.ID == m.filter.owner })
	if i == len(m.users)-1 {
		return 0
	}
	return m.users[i+1].ID
}

// moveCursor moves the highlight within the focused column, reading the
// next or previous page by keyset when it goes past the page's end.
func (m *Model) moveCursor(n int) tea.Cmd {
	if m.focus >= len(m.cols) {
		return nil
	}
	c := &m.cols[m.focus]
	next := c.cursor + n
	switch {
	case next >= len(c.page.Opportunities) && c.page.HasNext:
		last := c.page.Last
		return m.readPage(m.focus, &last, nil, c.start+len(c.page.Opportunities), 0)
	case next < 0 && c.page.HasPrev:
		first := c.page.First
		return m.readPage(m.focus, nil, &first, c.start-m.perColumn(), -1)
	}
	c.cursor = max(0, min(next, len(c.page.Opportunities)-1))
	return nil
}

// turnPage reads the focused column's next or previous page.
func (m *Model) turnPage(dir int) tea.Cmd {
	c := &m.cols[m.focus]
	switch {
	case dir > 0 && c.page.HasNext:
		last := c.page.Last
		return m.readPage(m.focus, &last, nil, c.start+len(c.page.Opportunities), 0)
	case dir < 0 && c.page.HasPrev:
		first := c.page.First
		return m.readPage(m.focus, nil, &first, c.start-m.perColumn(), 0)
	}
	return nil
}

// neighbour is the open stage before (dir -1) or after (dir 1) the one o
// is in; a zero Stage when there is none. Won and lost are reached with w
// and l, never by stepping.
func (m *Model) neighbour(o store.Opportunity, dir int) store.Stage {
	var open []store.Stage
	for _, s := range m.stages {
		if s.Outcome == store.OutcomeOpen {
			open = append(open, s)
		}
	}
	i := slices.IndexFunc(open, func(s store.Stage) bool { return s.ID == o.StageID })
	if i < 0 || i+dir < 0 || i+dir >= len(open) {
		return store.Stage{}
	}
	return open[i+dir]
}

// action is what the user did to a card.
type action int

const (
	actMove action = iota
	actWon
	actLost
)

// actionMsg is the result of a move, a win or a loss.
type actionMsg struct {
	act    action
	before store.Opportunity
	after  store.Opportunity
	err    error
}

// run changes o in a command.
func (m *Model) run(act action, o store.Opportunity, to store.Stage, reason string) tea.Cmd {
	if o.ID == 0 || (act == actMove && to.ID == 0) {
		return nil
	}
	m.busy = o.ID
	ctx, s, by := m.c.Ctx, m.store, m.opts.Me.ID
	return func() tea.Msg {
		var (
			after store.Opportunity
			err   error
		)
		switch act {
		case actMove:
			after, err = s.MoveOpportunity(ctx, o.ID, to.ID, by)
		case actWon:
			after, err = s.WinOpportunity(ctx, o.ID, by)
		case actLost:
			after, err = s.LoseOpportunity(ctx, o.ID, reason, by)
		}
		return actionMsg{act: act, before: o, after: after, err: err}
	}
}

// handleAction says what happened and reads the totals and the columns
// again: the card left its column.
func (m *Model) handleAction(msg actionMsg) tea.Cmd {
	m.busy = 0
	if msg.err != nil {
		titles := [...]string{actMove: "Not moved", actWon: "Not marked won", actLost: "Not marked lost"}
		m.Post(common.ErrorMsg{Title: titles[msg.act], Err: refusal(msg.err)})
		return m.refresh()
	}
	name := common.Printable(msg.before.Name)
	var text string
	switch msg.act {
	case actMove:
		text = "Moved " + name + ": " + common.Printable(msg.before.Stage.Name) + " → " + common.Printable(msg.after.Stage.Name)
	case actWon:
		text = "Won " + name + " (" + msg.after.Value.Short() + ")"
	case actLost:
		text = "Lost " + name + ": " + common.Printable(msg.after.LostReason)
	}
	m.Post(common.StatusMsg{Text: text, Level: common.LevelSuccess})
	m.Post(common.OpportunityChangedMsg{OpportunityID: msg.after.ID, ContactIDs: msg.after.ContactIDs})
	refresh := m.refresh()
	if msg.act != actMove {
		return refresh
	}
	// The highlight goes with the moved card, so ] ] ] walks one deal
	// through the stages rather than moving the next one down the column.
	for i, c := range m.cols {
		if c.stage.ID == msg.after.StageID {
			m.focus = i
			m.clampLeft()
			return tea.Batch(refresh, m.follow(i, msg.after))
		}
	}
	return refresh
}

// follow reads the page of column i that holds o, with o highlighted: the
// first page when o is on it, else a page that starts with o, placed by
// counting what comes before it. Its answer supersedes the column's
// reload, which was asked before it, and reloads asked until it comes
// follow o too.
func (m *Model) follow(i int, o store.Opportunity) tea.Cmd {
	c := &m.cols[i]
	c.seq++
	c.following = &o
	q, per := m.query(c.stage.ID), m.perColumn()
	msg := pageMsg{col: i, stageID: c.stage.ID, seq: m.loadSeq, colSeq: c.seq}
	ctx, s := m.c.Ctx, m.store
	return func() tea.Msg {
		at, err := s.OpportunitiesBefore(ctx, q, o.Cursor())
		if err != nil {
			msg.err = err
			return msg
		}
		if at >= per {
			// Just before o: its close date with the id below it.
			msg.after = &store.OpportunityCursor{CloseKey: o.Cursor().CloseKey, ID: o.ID - 1}
			msg.start, at = at, 0
		}
		msg.cursor = at
		cq := q
		cq.After = msg.after
		msg.page, msg.err = s.ListOpportunities(ctx, cq)
		return msg
	}
}

// totalsMsg carries the totals read again after a change.
type totalsMsg struct {
	seq    int
	totals []store.StageTotals
	err    error
}

// refresh reads the totals and every shown column again where they are.
func (m *Model) refresh() tea.Cmd {
	if m.state != stateReady {
		return nil
	}
	seq, ctx, s, f := m.loadSeq, m.c.Ctx, m.store, m.pipelineFilter()
	cmds := []tea.Cmd{func() tea.Msg {
		t, err := s.Pipeline(ctx, f)
		return totalsMsg{seq: seq, totals: t, err: err}
	}}
	for i := range m.cols {
		cmds = append(cmds, m.reloadColumn(i))
	}
	return tea.Batch(cmds...)
}

func (m *Model) handleTotals(msg totalsMsg) {
	if msg.seq != m.loadSeq {
		return
	}
	if msg.err != nil {
		m.Post(common.ErrorMsg{Err: msg.err})
		return
	}
	m.totals = msg.totals
	for i := range m.cols {
		m.cols[i].totals = m.totalsOf(m.cols[i].stage.ID)
	}
}

// handleReasonKey reads the lost reason: enter marks the card lost when a
// reason is typed, esc leaves it as it was.
func (m *Model) handleReasonKey(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Accept):
		reason := strings.TrimSpace(m.reason.Value())
		if reason == "" {
			return nil // the prompt says a reason is needed; nothing is written
		}
		m.closeReason()
		return m.run(actLost, m.target, store.Stage{}, reason)
	case key.Matches(msg, m.keys.Cancel):
		m.closeReason()
		return nil
	}
	var cmd tea.Cmd
	m.reason, cmd = m.reason.Update(msg)
	return cmd
}

func (m *Model) closeReason() {
	m.asking = false
	m.reason.Blur()
}

// refusal is err as the user should read it: a store refusal becomes its
// sentence, without the operations wrapped around it; anything else is
// left to the root's translator.
func refusal(err error) error {
	if errors.Is(err, store.ErrInvalid) {
		msg := err.Error()
		if i := strings.LastIndex(msg, store.ErrInvalid.Error()+": "); i >= 0 {
			msg = msg[i+len(store.ErrInvalid.Error())+2:]
		}
		return errors.New(common.Sentence(msg))
	}
	return err
}

// mailMsg carries the primary contact of the card m was pressed on.
type mailMsg struct {
	opp     store.Opportunity
	contact store.Contact
	err     error
}

// mail reads o's primary contact and then opens Smart Mail from the deal,
// as m does on the Opportunity screen.
func (m *Model) mail(o store.Opportunity) tea.Cmd {
	ctx, s := m.c.Ctx, m.store
	return func() tea.Msg {
		c, err := s.GetContact(ctx, o.PrimaryContactID)
		return mailMsg{opp: o, contact: c, err: err}
	}
}
