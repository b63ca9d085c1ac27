package contact

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
)

// View implements common.Screen.
func (m *Model) View() string {
	if m.width == 0 || m.height == 0 {
		return ""
	}
	st := m.c.Styles
	var out string
	switch m.state {
	case stateLoading:
		out = st.Empty.Render("Loading contact…")
	case stateError:
		out = st.ErrorText.Render("Could not load this contact: "+m.errText) + "\n" +
			st.Muted.Render("Press r to try again, esc to go back.")
	default:
		out = m.fieldsView() + "\n\n" + m.timelineView()
	}
	return m.c.Styles.Fit(m.width, m.height, out)
}

// fieldsView is the contact's card: name, kind and status, then the fields.
func (m *Model) fieldsView() string {
	st := m.c.Styles
	c := m.contact
	head := st.Title.Render(common.Printable(c.Name())) + "  " + m.headerFacts()

	location := strings.Join(nonEmpty(c.City, c.Country), ", ")
	pairs := [][2]string{
		{"Email", c.Email}, {"Phone", c.Phone},
		{"Company", c.Company}, {"Title", c.Title},
		{"Location", location}, {"Owner", c.OwnerName},
	}
	label := func(s string) string { return st.Label.Render(fmt.Sprintf("%-9s", s)) }
	value := func(s string, w int) string { return st.Value.Render(ansi.Truncate(common.OrNone(s), w, "…")) }

	lines := []string{head}
	if m.width >= 70 {
		colW := (m.width - 2*10) / 2
		for i := 0; i < len(pairs); i += 2 {
			l, r := pairs[i], pairs[i+1]
			left := label(l[0]) + " " + value(l[1], colW)
			pad := max(1, 10+colW+2-lipgloss.Width(left))
			lines = append(lines, left+strings.Repeat(" ", pad)+label(r[0])+" "+value(r[1], colW))
		}
	} else {
		for _, p := range pairs {
			lines = append(lines, label(p[0])+" "+value(p[1], m.width-10))
		}
	}
	if len(c.Custom) > 0 {
		keys := make([]string, 0, len(c.Custom))
		for k := range c.Custom {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + ": " + common.OrNone(c.Custom[k])
		}
		lines = append(lines, label("Custom")+" "+value(strings.Join(parts, " · "), m.width-10))
	}
	lines = append(lines, label("Activity")+" "+value(fmt.Sprintf("created %s · last activity %s",
		m.c.ShortDate(c.CreatedAt), m.c.Ago(c.LastActivityAt)), m.width-10))
	if len(m.opps) > 0 {
		lines = append(lines, label("Deals")+" "+value(m.dealsText(), m.width-10))
	}
	return strings.Join(lines, "\n")
}

// headerFacts follow the name: kind and status, the owner, and a badge
// while the contact is archived (brackets keep it a badge without colour).
func (m *Model) headerFacts() string {
	st := m.c.Styles
	c := m.contact
	owner := "no owner"
	if c.OwnerName != "" {
		owner = "owner " + common.Printable(c.OwnerName)
	}
	facts := st.Muted.Render(string(c.Kind) + " · " + common.Humanize(string(c.Status)) + " · " + owner)
	if !c.ArchivedAt.IsZero() {
		facts += "  " + st.Confirm.Render("[archived]")
	}
	return facts
}

// timelineRows is how many events fit under the card and the section title.
func (m *Model) timelineRows() int {
	if m.state != stateReady {
		return 0
	}
	return m.height - lipgloss.Height(m.fieldsView()) - 2
}

func (m *Model) timelineView() string {
	st := m.c.Styles
	title := st.Title.Render("Life of the Lead")
	count := fmt.Sprintf(" · %d events, newest first", len(m.events))
	switch {
	case m.loadingOlder:
		count = fmt.Sprintf(" · %d of more events · loading older…", len(m.events))
	case m.more:
		count = fmt.Sprintf(" · %d of more events, newest first · L loads %d older", len(m.events), store.TimelineLimit)
	case len(m.events) == 1:
		count = " · 1 event"
	}
	lines := []string{title + st.Muted.Render(count)}
	if m.searching() {
		lines[0] = m.searchTitle(title) // search.go
	}
	if len(m.events) == 0 {
		lines = append(lines, st.Empty.Render("Nothing yet. Press m to send a Smart Mail."))
		return strings.Join(lines, "\n")
	}
	if len(m.rows) == 0 && m.find.query != "" && !m.find.pending {
		lines = append(lines, st.Empty.Render("No event holds these words. esc shows them all."))
	}
	rows := max(1, m.timelineRows())
	end := min(len(m.rows), m.offset+rows)
	for i := m.offset; i < end; i++ {
		lines = append(lines, m.eventLine(m.rows[i], i == m.cursor))
	}
	return strings.Join(lines, "\n")
}

// eventLine is one event: cursor marker, icon and label, age, date, subject
// and detail. The icon and its label say the same thing, so the line reads
// the same without colour.
func (m *Model) eventLine(r row, selected bool) string {
	st := m.c.Styles
	ev := r.ev
	ic := common.IconFor(ev.Kind)
	marker := " "
	if selected {
		marker = st.Marker.Render("›")
	}
	// A reply threaded under its send is indented by " └"; its label and
	// age give those two columns back, so the dates stay in one column.
	labelW, ageW := 9, 6 // "uncertain"; "59 min", "11 mo"
	if r.child {
		marker += st.Muted.Render(" └")
		labelW -= 2
		if n := ansi.StringWidth(ic.Label); n > labelW {
			ageW -= n - labelW
		}
	}
	prefix := marker + " " + ic.Style(st).Render(ic.Symbol+" "+fmt.Sprintf("%-*s", labelW, ic.Label)) +
		st.Muted.Render(fmt.Sprintf(" %*s", ageW, m.c.Age(ev.At)))
	if m.width >= 70 {
		prefix += "  " + st.Muted.Render(fmt.Sprintf("%-21s", m.c.Date(ev.At)))
	}
	text := eventText(ev)
	room := m.width - lipgloss.Width(prefix) - 2
	body := ansi.Truncate(text, max(0, room), "…")
	if selected {
		body = st.Selected.Render(body)
	} else {
		body = st.Value.Render(body)
	}
	return prefix + "  " + body
}

// eventText is what an event says after its icon, every part from the
// data made terminal-safe: what is about a deal names the deal first
// (a send, note or task from the Opportunity screen), a mail app's send says where it was written,
// an out-of-office until when, a bounce its status first, and a send that
// got a reply says it was answered.
func eventText(ev store.Event) string {
	body := eventBody(ev)
	switch ev.Kind {
	case store.EventOpportunityCreated, store.EventStageChanged, store.EventOpportunityWon,
		store.EventOpportunityLost, store.EventOpportunityEdited:
		return body // the deal's own events name it
	}
	if ev.OpportunityName != "" {
		return "deal " + common.Printable(ev.OpportunityName) + " · " + body
	}
	return body
}

// eventBody is what eventText says of the event itself.
func eventBody(ev store.Event) string {
	subject, detail := common.Printable(ev.Subject), common.Printable(ev.Detail)
	join := func(parts ...string) string { return strings.Join(nonEmpty(parts...), " — ") }
	switch ev.Kind {
	case store.EventEmailSent:
		if ev.Answered {
			return "answered · " + join(subject, detail)
		}
	case store.EventEmailSentElsewhere:
		return "from your mail app · " + join(subject, detail)
	case store.EventAutoReply:
		from, until, _ := strings.Cut(detail, backMarker)
		if until == "" && strings.HasPrefix(detail, "back ") {
			from, until = "", strings.TrimPrefix(detail, "back ")
		}
		away := "out of office"
		if until != "" {
			away += " until " + until
		}
		return away + " · " + join(subject, strings.TrimSpace(from))
	case store.EventBounced:
		// The store's detail is the status, then the diagnostic.
		status, diag, _ := strings.Cut(detail, " ")
		return join(common.BounceReason(status, diag), subject)
	}
	return join(subject, detail)
}

// backMarker parts an auto-reply event's detail (its sender) from the
// return date the store appends: "Jo <jo@x> · back Mon 7 Dec 2026".
const backMarker = " · back "

func nonEmpty(ss ...string) []string {
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}

// dealsText is the contact's opportunities on one line, open ones first:
// "Renewal 2027 (proposal, €12,000) · Pilot (won)"; O opens the first.
func (m *Model) dealsText() string {
	parts := make([]string, len(m.opps))
	for i, o := range m.opps {
		what := o.Stage.Name + ", " + o.Value.Short()
		if o.State != store.OutcomeOpen {
			what = string(o.State)
		}
		parts[i] = common.Printable(o.Name) + " (" + common.Printable(what) + ")"
	}
	return strings.Join(parts, " · ")
}
