package common

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"

	"github.com/leadmail/leadmail/tui/theme"
)

// KeysList is the full help a screen draws itself, in w×h, for a screen
// whose inputs take every printable key (the root's ? cannot reach them):
// a title naming toggle, the key that brings the screen back, then each
// enabled key but toggle with what it does.
func KeysList(st *theme.Styles, groups [][]key.Binding, toggle key.Binding, w, h int) string {
	lines := []string{st.Title.Render("Keys") + st.Muted.Render("  ("+toggle.Help().Key+" closes this list)")}
	for _, group := range groups {
		for _, b := range group {
			if b.Enabled() && b.Help().Key != toggle.Help().Key {
				lines = append(lines, st.Help.FullKey.Render(fmt.Sprintf("%-10s", b.Help().Key))+" "+
					st.Help.FullDesc.Render(b.Help().Desc))
			}
		}
	}
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, w, "…")
	}
	return strings.Join(lines[:min(len(lines), max(1, h))], "\n")
}
