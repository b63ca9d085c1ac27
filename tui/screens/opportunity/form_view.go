package opportunity

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
)

// View implements common.Screen.
func (f *Form) View() string {
	if f.width == 0 || f.height == 0 {
		return ""
	}
	st := f.c.Styles
	lines := []string{st.Title.Render(f.Title())}
	switch f.state {
	case stateLoading:
		lines = append(lines, "", st.Empty.Render("Loading…"))
	case stateError:
		lines = append(lines, "", st.ErrorText.Render(ansi.Wrap("Could not open the form: "+f.errText, f.width, "")),
			st.Muted.Render("esc goes back."))
	default:
		if !f.IsNew() {
			lines[0] += st.Muted.Render(" · " + common.Printable(f.opp.Name) + " · stage " + common.Printable(f.opp.Stage.Name))
		}
		lines = append(lines, "")
		for _, fl := range f.fields() {
			lines = append(lines, f.fieldLines(fl)...)
		}
		lines = append(lines, "")
		lines = append(lines, f.bottomLines()...)
	}
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, f.width, "…")
	}
	return st.Fit(f.width, f.height, strings.Join(lines, "\n"))
}

// fieldLines is one field: its label and value, then its refusal, and for
// the contact field the chosen contact and the search's results.
func (f *Form) fieldLines(fl field) []string {
	st := f.c.Styles
	marker := "  "
	if fl == f.focus {
		marker = st.Marker.Render("› ")
	}
	label := st.Label.Render(fmt.Sprintf("%-9s", fieldLabels[fl])) + " "
	var value string
	switch fl {
	case fStage:
		value = f.choice(fl, f.stageName())
	case fOwner:
		value = f.choice(fl, f.ownerName())
	default:
		value = f.inputs[fl].View()
	}
	lines := []string{marker + label + value}
	indent := strings.Repeat(" ", 12)
	switch fl {
	case fValue:
		if m, err := store.ParseMoney(f.value(fValue), f.value(fCurrency)); err == nil && f.errs[fValue] == "" {
			lines = append(lines, indent+st.LintOK.Render("= "+m.String()))
		}
	case fClose:
		if t, err := f.closeDate(); err == nil && !t.IsZero() && f.errs[fClose] == "" {
			lines = append(lines, indent+st.LintOK.Render("= "+t.Format("Mon 2 Jan 2006")))
		}
	case fContact:
		lines = append(lines, f.contactLines(indent)...)
	}
	if e := f.errs[fl]; e != "" {
		lines = append(lines, indent+st.ErrorText.Render("✗ "+e))
	}
	return lines
}

// choice shows a ←/→ choice, with its arrows while it has focus.
func (f *Form) choice(fl field, v string) string {
	st := f.c.Styles
	if fl == f.focus && f.confirm == confirmNone {
		return st.Muted.Render("← ") + st.Selected.Render(v) + st.Muted.Render(" →")
	}
	return st.Value.Render(v)
}

func (f *Form) stageName() string {
	open := f.openStages()
	if f.stage >= len(open) {
		return "none"
	}
	s := open[f.stage]
	return fmt.Sprintf("%s (%d%%)", common.Printable(s.Name), s.Probability)
}

func (f *Form) ownerName() string {
	if f.owner >= len(f.users) {
		return common.Printable(f.opts.Me.Name)
	}
	return common.Printable(f.users[f.owner].Name)
}

// contactLines are the chosen primary contact and the search's results.
func (f *Form) contactLines(indent string) []string {
	st := f.c.Styles
	var lines []string
	if f.contact.ID != 0 {
		lines = append(lines, indent+st.LintOK.Render("★ "+contactText(f.contact)))
	}
	if f.focus != fContact {
		return lines
	}
	for i, c := range f.found {
		text := contactText(c)
		if i == f.pick {
			lines = append(lines, indent+st.Marker.Render("› ")+st.Selected.Render(text))
		} else {
			lines = append(lines, indent+"  "+st.Value.Render(text))
		}
	}
	if len(f.found) == 0 && f.value(fContact) != "" {
		lines = append(lines, indent+st.Empty.Render("No contact matches."))
	}
	return lines
}

func contactText(c store.Contact) string {
	parts := []string{common.Printable(c.Name())}
	if c.Email != "" {
		parts = append(parts, "<"+common.Printable(c.Email)+">")
	}
	if c.Company != "" {
		parts = append(parts, common.Printable(c.Company))
	}
	return strings.Join(parts, " ")
}

// bottomLines are the open question, or what saving will do.
func (f *Form) bottomLines() []string {
	st := f.c.Styles
	switch f.confirm {
	case confirmDiscard:
		return []string{st.Confirm.Render("Discard what you typed? y/esc discard · n keep editing")}
	case confirmStale:
		return []string{
			st.Confirm.Render(f.staleQuestion()),
			st.Muted.Render("r keep theirs, drop mine · w overwrite with mine · n/esc keep editing"),
		}
	}
	if f.saving {
		return []string{st.Muted.Render("Saving…")}
	}
	return []string{st.Muted.Render("ctrl+s saves · tab moves between fields · esc cancels")}
}
