package common

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/tui/theme"
)

// PreviewBody is the lower part of a Smart Mail preview, as the picker and
// Personalize both show it: the merge lint, a rule, and the text part
// wrapped to w. action names what a missing variable blocks ("Quick Send",
// "Send").
func PreviewBody(st *theme.Styles, p outbox.Preview, w int, action string) []string {
	lines := []string{"", st.Title.Render("Merge lint")}
	lines = append(lines, LintLines(st, p, w, action)...)
	lines = append(lines, "", st.Rule.Render(strings.Repeat("─", w)))
	return append(lines, strings.Split(ansi.Wrap(strings.TrimRight(p.Text, "\n"), w, ""), "\n")...)
}

// LintLines lists each merge variable of p with its value in width w; a
// missing one is marked in words, not only in colour, under a line saying
// what it blocks.
func LintLines(st *theme.Styles, p outbox.Preview, w int, action string) []string {
	if len(p.Lint) == 0 {
		return []string{st.Muted.Render("No merge variables.")}
	}
	nameW := 0
	for _, it := range p.Lint {
		nameW = max(nameW, len(it.Name))
	}
	nameW = min(nameW, max(8, w/3))
	var lines []string
	if missing := p.Missing(); len(missing) > 0 {
		lines = append(lines, st.Blocked.Render(ansi.Truncate(fmt.Sprintf("✗ %s blocked: %d missing (%s)",
			action, len(missing), strings.Join(missing, ", ")), w, "…")))
	}
	for _, it := range p.Lint {
		name := ansi.Truncate(it.Name, nameW, "…")
		name += strings.Repeat(" ", nameW-ansi.StringWidth(name))
		if it.Missing {
			lines = append(lines, ansi.Truncate(st.LintMissing.Render("✗ "+name+"  missing — "+action+" blocked"), w, "…"))
			continue
		}
		value := it.Value
		if it.Fallback != "" && it.Value == it.Fallback {
			value += " (fallback)"
		}
		lines = append(lines, st.LintOK.Render("✓ ")+name+"  "+ansi.Truncate(st.Value.Render(value), max(1, w-nameW-4), "…"))
	}
	return lines
}
