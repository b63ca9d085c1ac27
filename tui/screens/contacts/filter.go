package contacts

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
)

// panelRow is a row of the filter panel.
type panelRow int

// The rows of the filter panel, in order.
const (
	rowKind panelRow = iota
	rowOwner
	rowStatus
	rowStale
	rowOverdue
	rowArchived
	panelRows
)

// maxStaleDays bounds "no activity for N days": a hundred years.
const maxStaleDays = 36500

// stalePresets are the numbers of days ←/→ step through on the days row;
// 0 is any time.
var stalePresets = []int{0, 7, 14, 30, 60, 90, 180, 365}

// statusChoices are the statuses the panel offers, "" for any.
var statusChoices = []store.Status{"", store.StatusOpen, store.StatusUnqualified, store.StatusQualified,
	store.StatusContact, store.StatusContactWithOpportunity}

// panel is the filter panel: the choices being made, applied to the list
// only on enter. Opening it starts from the filter in force.
type panel struct {
	open     bool
	row      panelRow
	kind     int   // index into filters
	owner    int64 // 0 for anyone
	status   store.Status
	days     textinput.Model // a number of days, empty for any time
	overdue  bool
	archived bool
	err      string // why the last enter was refused
}

func newPanel() panel {
	in := textinput.New()
	in.Prompt = ""
	in.Placeholder = "any time"
	in.CharLimit = 6 // no width: the field is as wide as the number
	return panel{days: in}
}

// typing reports whether the days row, a text field, has focus.
func (p *panel) typing() bool { return p.open && p.row == rowStale }

// usersMsg carries the CRM's users for the owner row.
type usersMsg struct {
	users []store.User
	err   error
}

// openPanel opens the panel on the filter in force, and loads the users
// the first time.
func (m *Model) openPanel() tea.Cmd {
	p := &m.panel
	p.open, p.row, p.err = true, rowKind, ""
	p.kind, p.owner, p.status = m.filter, m.narrow.OwnerID, m.narrow.Status
	p.overdue, p.archived = m.narrow.Overdue, m.narrow.Archived
	p.days.SetValue("")
	if m.narrow.StaleDays > 0 {
		p.days.SetValue(strconv.Itoa(m.narrow.StaleDays))
	}
	p.days.Blur()
	if m.users != nil {
		return nil
	}
	ctx, s := m.c.Ctx, m.store
	return func() tea.Msg {
		us, err := s.ListUsers(ctx)
		return usersMsg{users: us, err: err}
	}
}

func (m *Model) handleUsers(msg usersMsg) {
	if msg.err != nil {
		m.Post(common.ErrorMsg{Err: msg.err})
		return
	}
	m.users = msg.users
	if m.users == nil {
		m.users = []store.User{}
	}
}

// closePanel closes the panel; what was chosen and not applied is gone.
func (m *Model) closePanel() {
	m.panel.open, m.panel.err = false, ""
	m.panel.days.Blur()
}

func (m *Model) handlePanelKey(msg tea.KeyPressMsg) tea.Cmd {
	k, p := m.keys, &m.panel
	switch {
	case key.Matches(msg, k.PanelApply):
		return m.applyPanel()
	case key.Matches(msg, k.PanelCancel):
		m.closePanel()
	case key.Matches(msg, k.PanelUp):
		return m.panelRow(max(0, p.row-1))
	case key.Matches(msg, k.PanelDown):
		return m.panelRow(min(panelRows-1, p.row+1))
	case key.Matches(msg, k.PanelPrev):
		m.cycle(-1)
	case key.Matches(msg, k.PanelNext):
		m.cycle(1)
	case key.Matches(msg, k.PanelClear):
		p.kind, p.owner, p.status, p.overdue, p.archived, p.err = 0, 0, "", false, false, ""
		p.days.SetValue("")
	case p.typing():
		var cmd tea.Cmd
		p.days, cmd = p.days.Update(msg)
		return cmd
	}
	return nil
}

// panelRow moves the panel's cursor; the days row takes typed text while
// the cursor is on it.
func (m *Model) panelRow(row panelRow) tea.Cmd {
	p := &m.panel
	p.row = row
	if row != rowStale {
		p.days.Blur()
		return nil
	}
	p.days.CursorEnd()
	return p.days.Focus()
}

// cycle moves the value of the panel's row by delta (±1), wrapping around.
func (m *Model) cycle(delta int) {
	p := &m.panel
	wrap := func(i, n int) int { return ((i+delta)%n + n) % n }
	switch p.row {
	case rowKind:
		p.kind = wrap(p.kind, len(filters))
	case rowOwner:
		owners := m.ownerChoices()
		i := slices.IndexFunc(owners, func(o ownerChoice) bool { return o.id == p.owner })
		p.owner = owners[wrap(max(0, i), len(owners))].id
	case rowStatus:
		i := slices.Index(statusChoices, p.status)
		p.status = statusChoices[wrap(max(0, i), len(statusChoices))]
	case rowStale:
		p.days.SetValue(stepDays(p.days.Value(), delta))
		p.days.CursorEnd()
	case rowOverdue:
		p.overdue = !p.overdue
	case rowArchived:
		p.archived = !p.archived
	}
}

// stepDays is the preset after (delta 1) or before (-1) the typed number
// of days, wrapping around; from text that is not a number, any time.
func stepDays(typed string, delta int) string {
	n, err := strconv.Atoi(strings.TrimSpace(typed))
	if strings.TrimSpace(typed) == "" {
		n, err = 0, nil
	}
	var next int
	switch {
	case err != nil:
		next = 0
	case delta > 0:
		next = stalePresets[0]
		for _, d := range stalePresets {
			if d > n {
				next = d
				break
			}
		}
	default:
		next = stalePresets[len(stalePresets)-1]
		for _, d := range slices.Backward(stalePresets) {
			if d < n {
				next = d
				break
			}
		}
	}
	if next == 0 {
		return ""
	}
	return strconv.Itoa(next)
}

// parseStaleDays reads the days row: empty is any time (0); anything but
// a whole number from 1 to maxStaleDays is refused with a sentence
// (refusal is "" when the number is read).
func parseStaleDays(typed string) (days int, refusal string) {
	t := strings.TrimSpace(typed)
	if t == "" {
		return 0, ""
	}
	n, err := strconv.Atoi(t)
	if err != nil || strings.ContainsAny(t, "+-") {
		return 0, fmt.Sprintf("“%s” is not a number of days: type a whole number from 1 to %d, or leave it empty for any time.",
			common.Printable(t), maxStaleDays)
	}
	if n < 1 || n > maxStaleDays {
		return 0, fmt.Sprintf("No activity for %d days cannot be asked: type a whole number from 1 to %d, or leave it empty for any time.",
			n, maxStaleDays)
	}
	return n, ""
}

// applyPanel puts the panel's choices in force and lists the first page,
// or, when the number of days cannot be read, says why and changes
// nothing.
func (m *Model) applyPanel() tea.Cmd {
	p := &m.panel
	days, refusal := parseStaleDays(p.days.Value())
	if refusal != "" {
		p.err = refusal
		return m.panelRow(rowStale)
	}
	narrow := store.ContactFilter{OwnerID: p.owner, Status: p.status, StaleDays: days, Overdue: p.overdue,
		Archived: p.archived}
	changed := narrow != m.narrow || p.kind != m.filter
	m.narrow, m.filter = narrow, p.kind
	m.closePanel()
	if !changed {
		return nil
	}
	return m.fetch(store.PageRequest{}, placeAt(0))
}

// toggleMine switches between the user's own contacts and everyone's.
func (m *Model) toggleMine() tea.Cmd {
	if m.narrow.OwnerID == m.me {
		m.narrow.OwnerID = 0
	} else {
		m.narrow.OwnerID = m.me
	}
	return m.fetch(store.PageRequest{}, placeAt(0))
}

// ownerChoice is an owner the panel offers.
type ownerChoice struct {
	id    int64
	label string
}

// ownerChoices are anyone, the user (when known), then every other user;
// an owner chosen before the users were read stays on the list.
func (m *Model) ownerChoices() []ownerChoice {
	out := []ownerChoice{{0, "anyone"}}
	if m.me != 0 {
		out = append(out, ownerChoice{m.me, "mine"})
	}
	for _, u := range m.users {
		if u.ID != m.me {
			out = append(out, ownerChoice{u.ID, m.userName(u.ID)})
		}
	}
	if id := m.panel.owner; !slices.ContainsFunc(out, func(o ownerChoice) bool { return o.id == id }) {
		out = append(out, ownerChoice{id, m.userName(id)})
	}
	return out
}

// userName is how a user is named on screen: their name, else their
// email, else their number while the users are not read yet.
func (m *Model) userName(id int64) string {
	for _, u := range m.users {
		if u.ID == id {
			return common.Printable(common.OrNone(firstNonBlank(u.Name, u.Email)))
		}
	}
	return fmt.Sprintf("user #%d", id)
}

func firstNonBlank(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}

// updatePanelKeys enables the panel's keys while it is open; x is text on
// the days row.
func (m *Model) updatePanelKeys() {
	k, open := &m.keys, m.panel.open
	for _, b := range []*key.Binding{&k.PanelApply, &k.PanelCancel, &k.PanelUp, &k.PanelDown, &k.PanelPrev, &k.PanelNext} {
		b.SetEnabled(open)
	}
	k.PanelClear.SetEnabled(open && !m.panel.typing())
}

// rowHints say what each row of the panel does.
var rowHints = [panelRows]string{
	rowKind:     "Leads, contacts or both (tab does the same on the list).",
	rowOwner:    "Whose contacts: anyone's, yours (M on the list) or another user's.",
	rowStatus:   "Only the contacts with this status.",
	rowStale:    "Nothing happened for at least this many days, or ever. Type a number; ←/→ steps.",
	rowOverdue:  "Only the contacts with a task past its due time.",
	rowArchived: "Archived contacts are hidden; this lists only them.",
}

// panelLabels name the rows.
var panelLabels = [panelRows]string{"Kind", "Owner", "Status", "No activity for", "Overdue task", "Archived"}

// panelValues are the texts of the rows' values.
func (m *Model) panelValues() [panelRows]string {
	p := &m.panel
	var v [panelRows]string
	v[rowKind] = strings.ToLower(filters[p.kind].label)
	v[rowOwner] = "anyone"
	for _, o := range m.ownerChoices() {
		if o.id == p.owner {
			v[rowOwner] = o.label
		}
	}
	if p.owner == m.me && m.me != 0 && m.users != nil {
		v[rowOwner] = "mine (" + m.userName(m.me) + ")"
	}
	v[rowStatus] = "any"
	if p.status != "" {
		v[rowStatus] = common.Humanize(string(p.status))
	}
	v[rowStale] = "any time"
	if t := strings.TrimSpace(p.days.Value()); t != "" {
		v[rowStale] = common.Printable(t) + " days"
	}
	v[rowOverdue] = "not needed"
	if p.overdue {
		v[rowOverdue] = "has an overdue task"
	}
	v[rowArchived] = "hidden"
	if p.archived {
		v[rowArchived] = "archived only"
	}
	return v
}

// labelWidth is the width of the panel's row labels.
const labelWidth = 17

// panelView is the filter panel's box, at most width wide.
func (m *Model) panelView(width int) string {
	st := m.c.Styles
	p := &m.panel
	frame := st.Modal.GetHorizontalFrameSize()
	inner := max(20, min(width-frame-2, 64))
	values := m.panelValues()
	lines := []string{st.ModalTitle.Render("Filters"), ""}
	for r := range panelRows {
		mark, lst, value := "  ", st.Label, st.Value.Render(values[r])
		if r == p.row {
			mark, lst = st.Marker.Render("› "), st.Selected
			value = st.Muted.Render("‹ ") + st.Selected.Render(values[r]) + st.Muted.Render(" ›")
			if r == rowStale {
				value = p.days.View() + st.Muted.Render(" days")
			}
		}
		lines = append(lines, mark+lst.Render(fmt.Sprintf("%-*s", labelWidth, panelLabels[r]))+value)
	}
	lines = append(lines, "")
	note, nst := rowHints[p.row], st.ModalHint
	switch {
	case p.err != "":
		note, nst = p.err, st.ErrorText
	case p.row == rowOwner && m.users == nil:
		note = "Reading the users…"
	}
	for _, l := range strings.Split(ansi.Wrap(note, inner, ""), "\n") {
		lines = append(lines, nst.Render(l))
	}
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, inner, "…")
	}
	return st.Modal.Width(inner + frame).Render(strings.Join(lines, "\n"))
}
