package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"charm.land/huh/v2"

	"github.com/leadmail/leadmail/mail"
)

// setupChoice is what the first-run screen was answered with.
type setupChoice string

const (
	setupMailbox setupChoice = "mailbox" // set up a real mailbox now
	setupDemo    setupChoice = "demo"    // try the demo first
	setupLater   setupChoice = "later"   // open leadmail without a mailbox
)

// setupFormOptions tune the setup form. The zero value is `leadmail init`
// on the terminal.
type setupFormOptions struct {
	// FirstRun starts with a welcome offering the demo or setting up later.
	FirstRun bool
	// Replace, when set, first asks whether to replace the config file at
	// ReplacePath; the answer lands in it.
	Replace     *bool
	ReplacePath string
	// Choice receives the welcome's answer when FirstRun.
	Choice *setupChoice
	// Accessible asks one plain line at a time on In and Out (screen
	// readers; the tests).
	Accessible bool
	In         io.Reader
	Out        io.Writer
	// run runs a form; nil runs it as built (the tests script ctrl+c).
	run func(ctx context.Context, f *huh.Form) error
}

// buildSetupForm makes the setup form over a, with the presets filling
// host, port and security when a provider is picked. port is the port as
// typed.
func buildSetupForm(a *initAnswers, port *string, o setupFormOptions) *huh.Form {
	var groups []*huh.Group
	choice := o.Choice
	if choice == nil {
		choice = new(setupChoice)
	}
	notMailbox := func() bool {
		return (o.FirstRun && *choice != setupMailbox) || (o.Replace != nil && !*o.Replace)
	}
	if o.Replace != nil {
		groups = append(groups, huh.NewGroup(
			huh.NewConfirm().Title("Replace your config?").
				Description(fmt.Sprintf("A config file is already at %s.", termSafe(o.ReplacePath))).
				Affirmative("Replace it").Negative("Keep it").Value(o.Replace),
		))
	}
	if o.FirstRun {
		groups = append(groups, huh.NewGroup(
			huh.NewNote().Title("Welcome to leadmail").Description(
				"leadmail sends your Smart Mail through your own mailbox, so it needs your\n"+
					"profile and your mail server. Nothing is sent while you set it up."),
			huh.NewSelect[setupChoice]().Title("What would you like to do?").Options(
				huh.NewOption("Set up my mailbox now", setupMailbox),
				huh.NewOption("Try the demo first (offline, nothing of yours is touched)", setupDemo),
				huh.NewOption("Later: open leadmail without a mailbox", setupLater),
			).Value(choice),
		))
	}
	var presets []huh.Option[string]
	for _, p := range providerPresets() {
		presets = append(presets, huh.NewOption(p.Label, p.Key))
	}
	custom := func() bool { p, _ := findPreset(a.Provider); return p.Key == "custom" }
	groups = append(groups,
		huh.NewGroup(
			huh.NewInput().Title("Your name").Description("From name and {{user.name}}").
				CharLimit(200).Value(&a.Name),
			huh.NewInput().Title("Your email").Description("the address you send from").
				CharLimit(254).Value(&a.Email).Validate(checkFormEmail),
			huh.NewInput().Title("Title").Description("{{user.title}}, optional").CharLimit(200).Value(&a.Title),
			huh.NewInput().Title("Phone").Description("{{user.phone}}, optional").CharLimit(50).Value(&a.Phone),
		).WithHideFunc(notMailbox),
		huh.NewGroup(
			huh.NewSelect[string]().Title("Mail provider").
				Description("fills in the server, port, security and sending limit").
				Options(presets...).Value(&a.Provider),
		).WithHideFunc(notMailbox),
		huh.NewGroup(
			huh.NewInput().Title("SMTP server").Placeholder("smtp.yourcompany.com").
				CharLimit(253).Value(&a.Host).Validate(checkFormHost),
			huh.NewInput().Title("Port").Description("587 with STARTTLS, 465 with TLS").
				CharLimit(5).Value(port).Validate(checkFormPort),
			huh.NewSelect[string]().Title("Security").Options(
				huh.NewOption("STARTTLS (port 587)", string(mail.SecuritySTARTTLS)),
				huh.NewOption("TLS (port 465)", string(mail.SecurityTLS)),
				huh.NewOption("None (a relay on this machine only)", string(mail.SecurityNone)),
			).Value(&a.Security),
			huh.NewInput().Title("IMAP server").
				Description("where Mail Sync reads your replies (port 993, TLS);\nempty: your SMTP server's name with smtp. made imap.").
				Placeholder("imap.yourcompany.com").CharLimit(253).Value(&a.IMAPHost).Validate(checkFormIMAPHost),
		).WithHideFunc(func() bool { return notMailbox() || !custom() }),
		huh.NewGroup(
			huh.NewInput().Title("SMTP login").Description("empty: your email address").
				CharLimit(254).Value(&a.Username),
			huh.NewInput().Title("Password command").
				Description("a command that prints your password; it is never stored:\n"+passwordExamples).
				CharLimit(500).Value(&a.PasswordCmd),
		).WithHideFunc(notMailbox),
	)
	f := huh.NewForm(groups...).WithShowHelp(true)
	if o.Accessible {
		f = f.WithAccessible(true).WithInput(o.In).WithOutput(o.Out)
	}
	return f
}

func checkFormEmail(s string) error {
	_, err := initAnswers{Email: s, Provider: "gmail"}.config()
	return err
}

func checkFormHost(s string) error {
	if strings.TrimSpace(s) == "" {
		return errors.New("the SMTP server is required, e.g. smtp.yourcompany.com")
	}
	_, err := initAnswers{Email: "a@b.example", Provider: "custom", Host: s}.config()
	return err
}

func checkFormIMAPHost(s string) error {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	_, err := initAnswers{Email: "a@b.example", Provider: "custom", Host: "smtp.b.example", IMAPHost: s}.config()
	return err
}

func checkFormPort(s string) error {
	if n, err := strconv.Atoi(strings.TrimSpace(s)); err != nil || n < 1 || n > 65535 {
		return fmt.Errorf("%q is not a port number: 587 with STARTTLS, 465 with TLS", s)
	}
	return nil
}

// runSetupForm asks the setup questions, flags' values filled in. done is
// false when the person cancelled (or, on first run, chose the demo or
// later: see o.Choice); then nothing is written.
func runSetupForm(ctx context.Context, a *initAnswers, o setupFormOptions) (done bool, err error) {
	if a.Security == "" {
		if p, ok := findPreset(a.Provider); ok {
			a.Security = string(p.Security)
		}
	}
	port := "587"
	if a.Port > 0 {
		port = strconv.Itoa(a.Port)
	}
	run := o.run
	if run == nil {
		run = func(ctx context.Context, f *huh.Form) error { return f.RunWithContext(ctx) }
	}
	start, startPort := *a, port
	for {
		err = run(ctx, buildSetupForm(a, &port, o))
		if !errors.Is(err, huh.ErrUserAborted) {
			break
		}
		// ctrl+c: typed answers are not thrown away without asking, as
		// everywhere in leadmail.
		if *a == start && port == startPort {
			return false, nil
		}
		discard, err := askDiscard(ctx, run, o)
		if err != nil || discard {
			return false, err
		}
	}
	if err != nil {
		return false, fmt.Errorf("setup form: %w", err)
	}
	if (o.FirstRun && o.Choice != nil && *o.Choice != setupMailbox) || (o.Replace != nil && !*o.Replace) {
		return false, nil
	}
	if p, _ := findPreset(a.Provider); p.Key != "custom" {
		// The preset's server wins over anything typed on a hidden page.
		a.Host, a.Port, a.Security, a.IMAPHost = "", 0, "", ""
	} else if port != "" {
		a.Port, _ = strconv.Atoi(strings.TrimSpace(port))
	}
	return true, nil
}

// askDiscard asks, after ctrl+c, whether to throw the typed answers away.
// A second ctrl+c means yes.
func askDiscard(ctx context.Context, run func(context.Context, *huh.Form) error, o setupFormOptions) (bool, error) {
	discard := false
	f := huh.NewForm(huh.NewGroup(
		huh.NewConfirm().Title("Quit and discard your answers?").
			Description("Nothing has been written yet.").
			Affirmative("Quit and discard").Negative("Keep editing").Value(&discard),
	)).WithShowHelp(true)
	if o.Accessible {
		f = f.WithAccessible(true).WithInput(o.In).WithOutput(o.Out)
	}
	switch err := run(ctx, f); {
	case errors.Is(err, huh.ErrUserAborted):
		return true, nil
	case err != nil:
		return false, fmt.Errorf("setup form: %w", err)
	}
	return discard, nil
}

// hasConfig reports whether a config file is where leadmail would read it
// (--config, or the default path).
func hasConfig(g *globals) bool {
	_, err := os.Stat(initConfigPath(g))
	return err == nil
}

// firstRun shows the setup screen when leadmail starts on a terminal with
// no config file. It returns what to open next: the mailbox just set up
// (or no setup: later), or the demo.
func firstRun(ctx context.Context, g *globals, w io.Writer, o setupFormOptions) (setupChoice, error) {
	choice := setupMailbox
	o.FirstRun, o.Choice = true, &choice
	a := initAnswers{Provider: "gmail"}
	done, err := runSetupForm(ctx, &a, o)
	if err != nil {
		return setupLater, err
	}
	if !done {
		if choice == setupMailbox { // cancelled
			return setupLater, nil
		}
		return choice, nil
	}
	// A failed check ends here, its sentence on screen rather than under
	// the TUI; the config is kept, so the next start opens leadmail.
	return setupMailbox, runInit(ctx, w, g, a, initFlags{})
}

// needsFirstRun reports whether leadmail, started with no subcommand,
// should show the setup screen: no config file, nothing set through
// LEADMAIL_* variables, and someone at a terminal to answer.
func needsFirstRun(g *globals, in *os.File) bool {
	for _, k := range []string{"LEADMAIL_USER_EMAIL", "LEADMAIL_SMTP_HOST"} {
		if os.Getenv(k) != "" {
			return false
		}
	}
	return !hasConfig(g) && isTerminal(in)
}
