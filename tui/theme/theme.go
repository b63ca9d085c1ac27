// Package theme holds every style of the leadmail terminal UI: one Styles
// struct built from a small set of named, semantic colours. Screens never
// create their own lipgloss styles; they read them from here, so a light or
// dark terminal and NO_COLOR are handled in one place.
package theme

import (
	"image/color"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/table"
	"charm.land/bubbles/v2/textarea"
	"charm.land/bubbles/v2/textinput"
	"charm.land/lipgloss/v2"
)

// Palette is the set of semantic colours the styles are built from.
type Palette struct {
	Text    color.Color // body text
	Muted   color.Color // secondary text: ages, hints, labels
	Subtle  color.Color // borders and separators
	Accent  color.Color // the brand colour: titles, active tab, cursor
	OnFill  color.Color // text drawn on an Accent or Danger fill
	Success color.Color // sent, done
	Warning color.Color // queued, scheduled, demo
	Danger  color.Color // failed, missing, refused
	Info    color.Color // opened, clicked, replied
}

// NewPalette returns the palette for a dark or light background. With
// noColor every colour is lipgloss.NoColor, so styles keep their layout and
// text markers but emit no colour (https://no-color.org).
func NewPalette(isDark, noColor bool) Palette {
	if noColor {
		n := lipgloss.NoColor{}
		return Palette{Text: n, Muted: n, Subtle: n, Accent: n, OnFill: n, Success: n, Warning: n, Danger: n, Info: n}
	}
	ld := lipgloss.LightDark(isDark)
	return Palette{
		Text:    ld(lipgloss.Color("#1F1F24"), lipgloss.Color("#E4E4EA")),
		Muted:   ld(lipgloss.Color("#6B6B78"), lipgloss.Color("#8E8E9A")),
		Subtle:  ld(lipgloss.Color("#C8C8D0"), lipgloss.Color("#3E3E48")),
		Accent:  ld(lipgloss.Color("#5A3FD6"), lipgloss.Color("#9D87FF")),
		OnFill:  ld(lipgloss.Color("#FFFFFF"), lipgloss.Color("#15151A")),
		Success: ld(lipgloss.Color("#1D7F3A"), lipgloss.Color("#5BD37F")),
		Warning: ld(lipgloss.Color("#A05A00"), lipgloss.Color("#F2B45A")),
		Danger:  ld(lipgloss.Color("#C0242F"), lipgloss.Color("#FF6B74")),
		Info:    ld(lipgloss.Color("#1F62B8"), lipgloss.Color("#6FB2FF")),
	}
}

// Styles is every style the UI uses, by what it means rather than how it
// looks.
type Styles struct {
	IsDark  bool
	NoColor bool
	Palette Palette

	// App frame.
	AppName    lipgloss.Style
	Breadcrumb lipgloss.Style
	User       lipgloss.Style
	DemoBadge  lipgloss.Style
	DemoPath   lipgloss.Style

	// ServerStopped is the header's "mail server: stopped" in demo mode.
	ServerStopped lipgloss.Style

	// Status line, by severity.
	StatusInfo    lipgloss.Style
	StatusSuccess lipgloss.Style
	StatusWarning lipgloss.Style
	StatusError   lipgloss.Style

	// Modal dialogs.
	Modal      lipgloss.Style
	ModalTitle lipgloss.Style
	ModalError lipgloss.Style
	ModalHint  lipgloss.Style

	// Shared building blocks.
	Title     lipgloss.Style // a section title inside a screen
	Label     lipgloss.Style // a field name
	Value     lipgloss.Style // a field value
	Muted     lipgloss.Style // secondary text
	Empty     lipgloss.Style // empty states and loading text
	ErrorText lipgloss.Style // an inline error
	Selected  lipgloss.Style // the highlighted row of a list
	Marker    lipgloss.Style // the "›" cursor marker
	Pane      lipgloss.Style // a bordered pane
	Rule      lipgloss.Style // a horizontal separator

	// Contacts screen.
	TabActive   lipgloss.Style
	TabInactive lipgloss.Style
	Table       table.Styles

	// Smart Mail picker.
	Received    lipgloss.Style // "✓ sent <date>"
	Tag         lipgloss.Style
	LintOK      lipgloss.Style
	LintMissing lipgloss.Style
	Blocked     lipgloss.Style // "missing — Quick Send blocked"

	// Life of the Lead icons, by meaning.
	EventGood    lipgloss.Style // sent
	EventPending lipgloss.Style // queued, scheduled
	EventBad     lipgloss.Style // failed, cancelled
	EventInfo    lipgloss.Style // opened, clicked, replied, received
	EventNeutral lipgloss.Style // created, status change, note

	// The outbox, in the status bar and on its screen, by meaning.
	OutboxWaiting   lipgloss.Style // queued, scheduled, sending, offline
	OutboxProblem   lipgloss.Style // failed, login refused, limit reached
	OutboxUncertain lipgloss.Style // may or may not have left
	OutboxSent      lipgloss.Style
	OutboxCancelled lipgloss.Style
	Confirm         lipgloss.Style // a yes/no question about the world

	// Message view.
	HeaderKey   lipgloss.Style
	HeaderValue lipgloss.Style
	StatusSent  lipgloss.Style
	StatusQueue lipgloss.Style
	StatusFail  lipgloss.Style

	// Bubbles components.
	Help  help.Styles
	Input textinput.Styles
	// Textarea is for multi-line inputs such as Markdown bodies.
	Textarea textarea.Styles
}

// New builds the styles for a dark or light background, optionally without
// any colour.
func New(isDark, noColor bool) *Styles {
	p := NewPalette(isDark, noColor)
	s := &Styles{IsDark: isDark, NoColor: noColor, Palette: p}
	fg := func(c color.Color) lipgloss.Style { return lipgloss.NewStyle().Foreground(c) }

	s.AppName = fg(p.Accent).Bold(true)
	s.Breadcrumb = fg(p.Text)
	s.User = fg(p.Muted)
	s.DemoBadge = lipgloss.NewStyle().Bold(true).Foreground(p.OnFill).Background(p.Warning).Padding(0, 1)
	if noColor {
		// Without a fill the padding would read as stray spaces; brackets
		// keep the badge recognisable as text.
		s.DemoBadge = lipgloss.NewStyle().Bold(true)
	}
	s.DemoPath = fg(p.Warning)
	s.ServerStopped = fg(p.Warning).Bold(true)

	s.StatusInfo = fg(p.Text)
	s.StatusSuccess = fg(p.Success)
	s.StatusWarning = fg(p.Warning)
	s.StatusError = fg(p.Danger).Bold(true)

	s.Modal = lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(p.Accent).Padding(0, 2)
	s.ModalTitle = fg(p.Accent).Bold(true)
	s.ModalError = fg(p.Danger).Bold(true)
	s.ModalHint = fg(p.Muted)

	s.Title = fg(p.Accent).Bold(true)
	s.Label = fg(p.Muted)
	s.Value = fg(p.Text)
	s.Muted = fg(p.Muted)
	s.Empty = fg(p.Muted).Italic(true)
	s.ErrorText = fg(p.Danger)
	s.Selected = lipgloss.NewStyle().Bold(true).Foreground(p.Accent)
	s.Marker = fg(p.Accent).Bold(true)
	s.Pane = lipgloss.NewStyle().Border(lipgloss.NormalBorder()).BorderForeground(p.Subtle).Padding(0, 1)
	s.Rule = fg(p.Subtle)

	s.TabActive = fg(p.Accent).Bold(true).Underline(!noColor)
	s.TabInactive = fg(p.Muted)
	s.Table = table.Styles{
		Header:   fg(p.Muted).Bold(true).Padding(0, 1),
		Cell:     lipgloss.NewStyle().Padding(0, 1),
		Selected: lipgloss.NewStyle().Bold(true).Foreground(p.Accent),
	}

	s.Received = fg(p.Success)
	s.Tag = fg(p.Info)
	s.LintOK = fg(p.Success)
	s.LintMissing = fg(p.Danger).Bold(true)
	s.Blocked = fg(p.Danger).Bold(true)

	s.EventGood = fg(p.Success)
	s.EventPending = fg(p.Warning)
	s.EventBad = fg(p.Danger)
	s.EventInfo = fg(p.Info)
	s.EventNeutral = fg(p.Muted)

	s.OutboxWaiting = fg(p.Warning)
	s.OutboxProblem = fg(p.Danger).Bold(true)
	s.OutboxUncertain = fg(p.Warning).Bold(true)
	s.OutboxSent = fg(p.Success)
	s.OutboxCancelled = fg(p.Muted)
	s.Confirm = fg(p.Warning).Bold(true)

	s.HeaderKey = fg(p.Muted).Bold(true)
	s.HeaderValue = fg(p.Text)
	s.StatusSent = fg(p.Success).Bold(true)
	s.StatusQueue = fg(p.Warning).Bold(true)
	s.StatusFail = fg(p.Danger).Bold(true)

	s.Help = help.Styles{
		ShortKey:       fg(p.Text).Bold(true),
		ShortDesc:      fg(p.Muted),
		ShortSeparator: fg(p.Subtle),
		Ellipsis:       fg(p.Subtle),
		FullKey:        fg(p.Text).Bold(true),
		FullDesc:       fg(p.Muted),
		FullSeparator:  fg(p.Subtle),
	}
	s.Input = textinput.DefaultStyles(isDark)
	s.Input.Focused.Prompt = fg(p.Accent).Bold(true)
	s.Input.Blurred.Prompt = fg(p.Muted)
	s.Input.Focused.Text = fg(p.Text)
	s.Input.Blurred.Text = fg(p.Text)
	s.Input.Focused.Placeholder = fg(p.Muted)
	s.Input.Blurred.Placeholder = fg(p.Muted)
	s.Input.Focused.Suggestion = fg(p.Muted)
	s.Input.Blurred.Suggestion = fg(p.Muted)
	s.Input.Cursor.Color = p.Accent
	// A steady cursor: no redraw timer while idle, and stable test output.
	s.Input.Cursor.Blink = false

	s.Textarea = textarea.DefaultStyles(isDark)
	for _, st := range []*textarea.StyleState{&s.Textarea.Focused, &s.Textarea.Blurred} {
		st.Text = fg(p.Text)
		st.LineNumber = fg(p.Subtle)
		st.CursorLineNumber = fg(p.Muted)
		st.Placeholder = fg(p.Muted)
		st.EndOfBuffer = fg(p.Subtle)
		st.Prompt = fg(p.Subtle)
		st.CursorLine = lipgloss.NewStyle()
	}
	s.Textarea.Cursor.Color = p.Accent
	s.Textarea.Cursor.Blink = false // steady, as for Input
	return s
}
