package theme

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
)

func TestNoColorEmitsNoColour(t *testing.T) {
	s := New(true, true)
	for name, st := range map[string]lipgloss.Style{
		"status error": s.StatusError, "lint missing": s.LintMissing, "tab": s.TabActive,
		"event good": s.EventGood, "demo": s.DemoBadge, "selected": s.Selected,
		"outbox problem": s.OutboxProblem, "server stopped": s.ServerStopped, "warning": s.StatusWarning,
	} {
		out := st.Render("x")
		if hasColour(out) {
			t.Errorf("%s renders colour without colour: %q", name, out)
		}
		if !strings.Contains(out, "x") {
			t.Errorf("%s lost its text", name)
		}
	}
}

// hasColour reports whether s has an SGR sequence setting a foreground or
// background colour (30–49, 90–107).
func hasColour(s string) bool {
	for _, m := range sgr.FindAllStringSubmatch(s, -1) {
		for _, p := range strings.Split(m[1], ";") {
			n, err := strconv.Atoi(p)
			if err == nil && (n >= 30 && n <= 49 || n >= 90 && n <= 107) {
				return true
			}
		}
	}
	return false
}

var sgr = regexp.MustCompile(`\x1b\[([0-9;:]*)m`)

func TestHasColour(t *testing.T) {
	if !hasColour(New(true, false).StatusError.Render("x")) {
		t.Error("the detector misses colour")
	}
}

func TestLightAndDarkDiffer(t *testing.T) {
	dark, light := New(true, false), New(false, false)
	if dark.Palette.Text == light.Palette.Text || dark.Palette.Accent == light.Palette.Accent {
		t.Error("the light and dark palettes are the same")
	}
	if !dark.IsDark || light.IsDark {
		t.Error("IsDark not recorded")
	}
}
