package main

import (
	"os"
	"slices"
	"strings"
	"testing"
)

// approvedCharm are the releases of the Charm v2 line approved on our
// registry; a newer one may be served but is not to be pinned.
var approvedCharm = map[string][]string{
	"charm.land/bubbles/v2":   {"v2.0.0", "v2.1.0", "v2.1.1"},
	"charm.land/bubbletea/v2": {"v2.0.6", "v2.0.7", "v2.0.8", "v2.0.9", "v2.0.10", "v2.1.1"},
	"charm.land/lipgloss/v2":  {"v2.0.1", "v2.0.2", "v2.0.3", "v2.0.4", "v2.0.5", "v2.0.6", "v2.1.0", "v2.1.1"},
	"charm.land/huh/v2":       {"v2.0.3"},
}

func TestTrust24GoModPinsApprovedCharmReleases(t *testing.T) {
	raw, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for line := range strings.Lines(string(raw)) {
		// A require line is "path version" (inside a block or after "require").
		fields := strings.Fields(strings.TrimPrefix(strings.TrimSpace(line), "require "))
		if len(fields) < 2 {
			continue
		}
		ok, listed := approvedCharm[fields[0]]
		if !listed {
			continue
		}
		seen++
		if !slices.Contains(ok, fields[1]) {
			t.Errorf("go.mod pins %s %s, which is not an approved release (approved: %s)",
				fields[0], fields[1], strings.Join(ok, ", "))
		}
	}
	if seen < 3 {
		t.Fatalf("go.mod names %d of the Charm v2 modules; want bubbles, bubbletea and lipgloss", seen)
	}
}
