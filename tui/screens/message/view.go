package message

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
)

// shownHeaders are the header fields shown, in this order, when present.
var shownHeaders = []string{"From", "To", "Cc", "Reply-To", "Subject", "Date", "Message-ID"}

// keyWidth is the width of the header names column.
const keyWidth = 12

// setContent renders the message into the viewport for the current width.
func (m *Model) setContent() {
	if m.width <= 0 {
		return
	}
	st := m.c.Styles
	var lines []string
	switch m.state {
	case stateLoading:
		lines = []string{st.Empty.Render("Loading message…")}
	case stateError:
		lines = []string{st.ErrorText.Render(ansi.Wrap("Cannot show this message: "+m.errText, m.width, "")),
			st.Muted.Render("Press esc to go back.")}
	default:
		lines = m.lines()
	}
	m.vp.SetContent(strings.Join(lines, "\n"))
}

func (m *Model) lines() []string {
	st := m.c.Styles
	w := m.width
	field := func(k, v string) []string {
		wrapped := strings.Split(ansi.Wrap(v, max(1, w-keyWidth), ""), "\n")
		out := make([]string, len(wrapped))
		for i, line := range wrapped {
			key := strings.Repeat(" ", keyWidth)
			if i == 0 {
				key = st.HeaderKey.Render(fmt.Sprintf("%-*s", keyWidth, k))
			}
			out[i] = key + st.HeaderValue.Render(line)
		}
		return out
	}
	lines := []string{st.HeaderKey.Render(fmt.Sprintf("%-*s", keyWidth, "Status")) + m.statusText()}
	if m.msg.Status != store.MessageSent && m.msg.LastError != "" {
		lines = append(lines, field("Last error", m.msg.LastError)...)
	}
	for _, name := range shownHeaders {
		if v := m.header(name); v != "" {
			lines = append(lines, field(name, v)...)
		}
	}
	rule := st.Rule.Render(strings.Repeat("─", w))
	lines = append(lines, rule)
	switch {
	case m.parsed.Text != "":
		lines = append(lines, strings.Split(ansi.Wrap(strings.TrimRight(m.parsed.Text, "\r\n"), w, ""), "\n")...)
	case m.parsed.HTML != "":
		lines = append(lines, st.Empty.Render("This message has only an HTML part."))
	default:
		lines = append(lines, st.Empty.Render("This message has no body."))
	}
	lines = append(lines, rule)
	if len(m.parsed.Attachments) == 0 {
		return append(lines, st.Muted.Render("No attachments."))
	}
	lines = append(lines, st.Title.Render(fmt.Sprintf("Attachments (%d)", len(m.parsed.Attachments))))
	nameW := 0
	for _, a := range m.parsed.Attachments {
		nameW = max(nameW, ansi.StringWidth(a.Filename))
	}
	nameW = min(nameW, max(10, w/2))
	for _, a := range m.parsed.Attachments {
		name := ansi.Truncate(common.OrNone(a.Filename), nameW, "…")
		name += strings.Repeat(" ", max(0, nameW-ansi.StringWidth(name)))
		lines = append(lines, ansi.Truncate("  • "+name+"  "+st.Muted.Render(a.ContentType+"  "+common.Size(a.Size)), w, "…"))
	}
	return lines
}

// header returns the decoded value of a header field; repeated fields are
// joined.
func (m *Model) header(name string) string {
	var vals []string
	for _, f := range m.parsed.Headers {
		if strings.EqualFold(f.Key, name) {
			vals = append(vals, f.Value)
		}
	}
	return strings.Join(vals, ", ")
}

// statusText says where the message stands, in words as well as colour.
func (m *Model) statusText() string {
	st := m.c.Styles
	msg := m.msg
	switch msg.Status {
	case store.MessageSent:
		return st.StatusSent.Render("✉ sent") + st.Muted.Render(" "+m.c.Date(msg.SentAt))
	case store.MessageQueued:
		return st.StatusQueue.Render("◔ queued") + st.Muted.Render(" — not sent yet; it is in the outbox")
	case store.MessageScheduled:
		return st.StatusQueue.Render("◷ scheduled") + st.Muted.Render(" for "+m.c.DateZone(msg.SendAt))
	case store.MessageSending:
		return st.StatusQueue.Render("… sending")
	case store.MessageFailed:
		return st.StatusFail.Render("✗ failed") + st.Muted.Render(fmt.Sprintf(" after %d attempt(s)", msg.Attempts))
	case store.MessageUncertain:
		return st.StatusFail.Render("? uncertain") + st.Muted.Render(" — it may have left; check the Sent folder before retrying")
	case store.MessageCancelled:
		return st.StatusFail.Render("⊘ cancelled")
	}
	return st.Muted.Render(common.OrNone(string(msg.Status)))
}
