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

func TestFit(t *testing.T) {
	s := New(true, true)
	tests := []struct {
		name, in string
		w, h     int
		want     []string
	}{
		{"pads", "ab", 4, 3, []string{"ab  ", "    ", "    "}},
		{"clips", "a\nb\nc\nd", 2, 2, []string{"a ", "b "}},
		{"wraps", "abc def", 3, 2, []string{"abc", "def"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := strings.Split(s.Fit(tt.w, tt.h, tt.in), "\n")
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("Fit(%d, %d, %q) = %q, want %q", tt.w, tt.h, tt.in, got, tt.want)
			}
		})
	}
	if got := strings.Split(s.FitWidth(3, "abc def\nx"), "\n"); strings.Join(got, "|") != "abc|def|x  " {
		t.Errorf("FitWidth = %q, want wrapped and padded to 3", got)
	}
}
