package emails

import (
	"testing"

	"github.com/leadmail/leadmail/tui/common"
	"github.com/leadmail/leadmail/tui/internal/tuitest"
)

var _ common.Unsaved = (*Model)(nil)

func TestTrust16EditorsReportUnsavedInput(t *testing.T) {
	tests := []struct {
		name string
		keys []string // from the list
		want string   // "" = nothing to lose
	}{
		{"list", nil, ""},
		{"email editor untouched", []string{"enter"}, ""},
		{"email editor typed in", []string{"enter", "x"}, "the unsaved changes to this email"},
		{"new email typed in", []string{"n", "x"}, "the unsaved changes to this email"},
		{"signatures list", []string{"s"}, ""},
		{"signature editor typed in", []string{"s", "n", "x"}, "the unsaved changes to this signature"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := screen(t, tuitest.NewWorld(t), 120, 40)
			for _, k := range tt.keys {
				m.press(t, tuitest.Key(k))
			}
			what, ok := m.Unsaved()
			if what != tt.want || ok != (tt.want != "") {
				t.Errorf("Unsaved() = %q, %v; want %q", what, ok, tt.want)
			}
		})
	}
}
