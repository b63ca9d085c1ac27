package received

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
)

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

// kindText says what the message is, in words.
func kindText(x store.Received) string {
	switch {
	case x.Direction == store.ReceivedOut:
		return "→ sent from your mail app"
	case x.Kind == store.ReceivedBounce:
		return "✗ bounce: a delivery status notification"
	case x.Kind == store.ReceivedAutoReply:
		return "⏸ automatic reply (out of office), not a reply"
	case x.ReplyTo != 0:
		return "↩ reply to your send"
	}
	return "← received"
}

func (m *Model) lines() []string {
	st := m.c.Styles
	w := m.width
	x := m.msg
	field := func(k, v string) []string {
		wrapped := strings.Split(ansi.Wrap(common.Printable(v), max(1, w-keyWidth), ""), "\n")
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
	lines := field("Kind", kindText(x))
	if !x.AutoReplyUntil.IsZero() {
		lines = append(lines, field("Back", m.c.ShortDate(x.AutoReplyUntil))...)
	}
	for _, f := range [][2]string{
		{"From", x.From}, {"To", strings.Join(x.To, ", ")}, {"Cc", strings.Join(x.Cc, ", ")},
		{"Subject", x.Subject}, {"Date", m.c.Date(x.Date)}, {"Folder", x.Folder},
	} {
		if strings.TrimSpace(f[1]) != "" {
			lines = append(lines, field(f[0], f[1])...)
		}
	}
	rule := st.Rule.Render(strings.Repeat("─", w))
	lines = append(lines, rule)
	text := x.Text
	if m.original != nil {
		lines = append(lines, st.Title.Render("The original, from the mail server"))
		text = m.original.Text
		if text == "" && m.original.HTML != "" {
			text = "(only an HTML part; the stored text above is its rendering)"
		}
	}
	if strings.TrimSpace(text) == "" {
		lines = append(lines, st.Empty.Render("This message has no text."))
	} else {
		lines = append(lines, strings.Split(ansi.Wrap(common.PrintableText(strings.TrimRight(text, "\r\n")), w, ""), "\n")...)
	}
	switch {
	case m.original != nil && m.originalCut:
		lines = append(lines, st.Muted.Render(fmt.Sprintf("The original is longer than %s: the rest is not shown.", common.Size(MaxOriginal))))
	case m.original == nil && x.Truncated && m.fetcher != nil:
		lines = append(lines, st.Muted.Render("The stored text was cut at its limit: o fetches the original from the server."))
	case m.original == nil && x.Truncated:
		lines = append(lines, st.Muted.Render("The stored text was cut at its limit; the original stays in your mailbox."))
	}
	switch {
	case m.fetching:
		lines = append(lines, st.Muted.Render("Fetching the original from the mail server…"))
	case m.originalErr != "":
		lines = append(lines, st.ErrorText.Render(ansi.Wrap("Could not fetch the original: "+common.Printable(m.originalErr), w, "")))
	}
	if n := strings.TrimSpace(x.Notes); n != "" {
		lines = append(lines, field("Note", n)...)
	}
	lines = append(lines, rule)
	if len(x.Attachments) == 0 {
		return append(lines, st.Muted.Render("No attachments."))
	}
	lines = append(lines, st.Title.Render(fmt.Sprintf("Attachments (%d) — kept in your mailbox, not here", len(x.Attachments))))
	nameW := 0
	for _, a := range x.Attachments {
		nameW = max(nameW, ansi.StringWidth(common.Printable(a.Name)))
	}
	nameW = min(nameW, max(10, w/2))
	for _, a := range x.Attachments {
		name := ansi.Truncate(common.OrNone(common.Printable(a.Name)), nameW, "…")
		name += strings.Repeat(" ", max(0, nameW-ansi.StringWidth(name)))
		lines = append(lines, ansi.Truncate("  • "+name+"  "+st.Muted.Render(common.Printable(a.Type)+"  "+common.Size(int(a.Size))), w, "…"))
	}
	return lines
}
