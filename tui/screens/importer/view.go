package importer

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// maxInvalidLines bounds the rejected rows listed; the rest are in the
// rejected file.
const maxInvalidLines = 10

// View implements common.Screen.
func (m *Model) View() string {
	if m.width == 0 || m.height == 0 {
		return ""
	}
	st := m.c.Styles
	lines := []string{st.Title.Render("Import contacts"), ""}
	switch m.state {
	case statePrompt, stateChecking:
		lines = append(lines,
			st.Muted.Render("A CSV (HubSpot, Salesforce, Google, Outlook, Pipedrive, Thunderbird, any CSV"),
			st.Muted.Render("with a header row) or a vCard file. Next: how its columns map, and the"),
			st.Muted.Render("kind, owner and duplicates to choose. All or nothing: a cancelled import"),
			st.Muted.Render("changes nothing."),
			"", m.input.View())
		if len(m.matches) > 0 {
			lines = append(lines, st.Muted.Render(ansi.Truncate(strings.Join(m.matches, "  "), m.width, "…")))
		}
		if m.state == stateChecking {
			lines = append(lines, "", st.Empty.Render("Reading the file…"))
		}
		if m.errText != "" {
			lines = append(lines, "", st.ErrorText.Render(m.errText))
		}
	case stateOptions:
		lines = append(lines, m.optionsLines()...)
	case stateRunning, stateCancelling:
		lines = append(lines, m.progressLines()...)
	case stateDone:
		lines = append(lines, m.reportLines()...)
	case stateCancelled:
		lines = append(lines, st.Value.Render("Import of "+m.path+" cancelled."),
			st.Muted.Render("Nothing was written: the contacts are as they were."))
	case stateFailed:
		lines = append(lines, st.ErrorText.Render("Import of "+m.path+" failed; nothing was written."),
			st.ErrorText.Render(m.errText))
	}
	return lipgloss.NewStyle().Width(m.width).Height(m.height).MaxHeight(m.height).
		MaxWidth(m.width).Render(strings.Join(lines, "\n"))
}

func (m *Model) progressLines() []string {
	st := m.c.Styles
	p := m.progress
	pct := 0.0
	if p.Total > 0 {
		pct = float64(p.Done) / float64(p.Total)
	}
	var counts, rate, eta string
	switch p.Stage {
	case "":
		counts = "reading the file…"
	case "inserting":
		counts = fmt.Sprintf("%d / %d rows", p.Done, p.Total)
		rate, eta = " · — rows/s", " · ETA —"
		if el := m.now.Sub(m.stageStarted); el > 0 && p.Done > 0 {
			r := float64(p.Done) / el.Seconds()
			left := time.Duration(float64(p.Total-p.Done) / r * float64(time.Second))
			rate, eta = fmt.Sprintf(" · %.0f rows/s", r), " · ETA "+left.Round(time.Second).String()
		}
	case "indexing":
		pct, counts = 1, "building the indexes for sorting and search…"
	default:
		pct, counts = 1, "saving…"
	}
	status := st.Muted.Render("x cancels; nothing is written until the end.")
	if m.state == stateCancelling {
		status = st.Empty.Render("Cancelling…")
	}
	return []string{
		st.Value.Render("Importing " + m.path),
		"",
		m.bar.ViewAs(pct),
		st.Label.Render(counts) + st.Muted.Render(rate+eta),
		"",
		status,
	}
}

func (m *Model) reportLines() []string {
	st := m.c.Styles
	r := m.report
	row := func(label string, n int) string {
		return st.Label.Render(fmt.Sprintf("  %-19s", label)) + st.Value.Render(fmt.Sprint(n))
	}
	title := fmt.Sprintf("Imported %s (%s, %s)", r.File, r.Format, r.Source)
	if r.DryRun {
		title = fmt.Sprintf("Dry run of %s (%s, %s): nothing was written", r.File, r.Format, r.Source)
	}
	lines := []string{
		st.Value.Render(title),
		"",
		row("read", r.Read),
		row("created", r.Created),
		row("updated", r.Updated),
		row("skipped duplicates", r.SkippedDuplicates),
		row("without email", r.NoEmail),
		row("invalid", len(r.Invalid)),
	}
	for i, inv := range r.Invalid {
		if i == maxInvalidLines {
			lines = append(lines, st.Muted.Render(fmt.Sprintf("    … and %d more", len(r.Invalid)-i)))
			break
		}
		lines = append(lines, st.ErrorText.Render(fmt.Sprintf("    line %d: %s", inv.Line, inv.Reason)))
	}
	if r.SkippedDuplicates > 0 {
		lines = append(lines, st.Label.Render("  skipped:"))
		for i, s := range r.Skipped {
			if i == maxInvalidLines {
				break
			}
			lines = append(lines, st.Muted.Render(fmt.Sprintf("    line %d: %s", s.Line, s.Reason)))
		}
		if more := r.SkippedDuplicates - min(len(r.Skipped), maxInvalidLines); more > 0 {
			lines = append(lines, st.Muted.Render(fmt.Sprintf("    … and %d more", more)))
		}
	}
	for _, w := range r.Warnings {
		lines = append(lines, st.StatusWarning.Render("  ! "+w))
	}
	for _, name := range slices.Sorted(maps.Keys(r.UnknownOwners)) {
		lines = append(lines, st.StatusWarning.Render(fmt.Sprintf("  owner %q unknown: %s unassigned, kept in custom.owner",
			name, plural(r.UnknownOwners[name], "row"))))
	}
	if r.RejectedFile != "" {
		note := "Rejected rows written to " + r.RejectedFile
		if first := r.File + ".rejected.csv"; r.RejectedFile != first {
			note += " (" + filepath.Base(first) + " already exists and was left as it was)"
		}
		lines = append(lines, "", st.Muted.Render(note))
	}
	return lines
}
