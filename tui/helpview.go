package tui

import (
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// shortHelpLine lays out the footer: the screen's enabled keys in the
// order the screen gives them (most important first), as many as fit in
// width, then tail (the root's "? all keys", or a modal's close key),
// which always stays. A key too wide for the room left is skipped so a
// later, shorter one can still show; nothing ends in a separator.
func shortHelpLine(h help.Model, screen []key.Binding, tail []key.Binding, width int) string {
	sep := h.Styles.ShortSeparator.Render(h.ShortSeparator)
	sepW := lipgloss.Width(sep)
	var last []string
	room := width
	for _, b := range enabledKeys(tail) {
		s := shortItem(h, b)
		room -= lipgloss.Width(s) + sepW
		last = append(last, s)
	}
	var parts []string
	used := 0
	for _, b := range enabledKeys(screen) {
		s := shortItem(h, b)
		w := lipgloss.Width(s)
		if len(parts) > 0 {
			w += sepW
		}
		if used+w > room {
			continue
		}
		parts, used = append(parts, s), used+w
	}
	return ansi.Truncate(strings.Join(append(parts, last...), sep), width, "…")
}

func shortItem(h help.Model, b key.Binding) string {
	return h.Styles.ShortKey.Render(b.Help().Key) + " " + h.Styles.ShortDesc.Render(b.Help().Desc)
}

// enabledKeys drops disabled bindings and those without help, and a
// binding whose keys an earlier one already shows.
func enabledKeys(bs []key.Binding) []key.Binding {
	var out []key.Binding
	seen := map[string]bool{}
	for _, b := range bs {
		k := b.Help().Key
		if !b.Enabled() || k == "" || seen[k+"\x00"+b.Help().Desc] {
			continue
		}
		seen[k+"\x00"+b.Help().Desc] = true
		out = append(out, b)
	}
	return out
}

// fullHelpView lays the full help out in width: each group is a column of
// key and description, and the columns wrap onto as many rows as they
// need, so no key is ever cut off at the right edge. A column wider than
// width is cut to it.
func fullHelpView(h help.Model, groups [][]key.Binding, width int) string {
	const gap = 4
	var cols []string
	for _, g := range groups {
		if c := fullColumn(h, enabledKeys(g), width); c != "" {
			cols = append(cols, c)
		}
	}
	var rows, row []string
	rowW := 0
	flush := func() {
		if len(row) > 0 {
			rows = append(rows, lipgloss.JoinHorizontal(lipgloss.Top, row...))
		}
		row, rowW = nil, 0
	}
	for _, c := range cols {
		w := lipgloss.Width(c)
		if len(row) > 0 && rowW+gap+w > width {
			flush()
		}
		if len(row) > 0 {
			c = lipgloss.NewStyle().PaddingLeft(gap).Render(c)
			w += gap
		}
		row, rowW = append(row, c), rowW+w
	}
	flush()
	return strings.Join(rows, "\n\n")
}

// fullColumn is one group: keys aligned, then their descriptions.
func fullColumn(h help.Model, bs []key.Binding, width int) string {
	if len(bs) == 0 {
		return ""
	}
	keyW := 0
	for _, b := range bs {
		keyW = max(keyW, ansi.StringWidth(b.Help().Key))
	}
	lines := make([]string, len(bs))
	for i, b := range bs {
		k := b.Help().Key
		k += strings.Repeat(" ", keyW-ansi.StringWidth(k))
		lines[i] = ansi.Truncate(h.Styles.FullKey.Render(k)+" "+h.Styles.FullDesc.Render(b.Help().Desc), width, "…")
	}
	return strings.Join(lines, "\n")
}
