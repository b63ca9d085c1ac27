package theme

import "charm.land/lipgloss/v2"

// Fit renders str in a box of exactly w by h cells: lines are wrapped to w
// and padded to it, short content is padded with blank lines to h, and
// anything past h lines is clipped, so a view never spills out of its area.
// It is a method, though it reads no style, so that screens reach it through
// the Styles they already hold.
func (*Styles) Fit(w, h int, str string) string {
	return lipgloss.NewStyle().Width(w).Height(h).MaxHeight(h).Render(str)
}

// FitWidth renders str in a column w cells wide: lines are wrapped to w and
// padded to it; the height follows the content.
func (*Styles) FitWidth(w int, str string) string {
	return lipgloss.NewStyle().Width(w).Render(str)
}
