package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"github.com/spf13/cobra"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/store/scope"
)

// opportunityStore is what the opportunities and pipeline commands ask of
// the store.
type opportunityStore interface {
	Stages(ctx context.Context) ([]store.Stage, error)
	CreateOpportunity(ctx context.Context, o *store.Opportunity, by int64) error
	GetOpportunity(ctx context.Context, id int64) (store.Opportunity, error)
	UpdateOpportunity(ctx context.Context, id, expectedVersion int64, ch store.OpportunityChanges, by int64) (store.Opportunity, error)
	MoveOpportunity(ctx context.Context, id, stageID, by int64) (store.Opportunity, error)
	WinOpportunity(ctx context.Context, id, by int64) (store.Opportunity, error)
	LoseOpportunity(ctx context.Context, id int64, reason string, by int64) (store.Opportunity, error)
	ListOpportunities(ctx context.Context, q store.OpportunityQuery) (store.OpportunityPage, error)
	Pipeline(ctx context.Context, f store.PipelineFilter) ([]store.StageTotals, error)
	ContactByEmail(ctx context.Context, email string) (store.Contact, error)
	UserByEmail(ctx context.Context, email string) (store.User, error)
}

// The deal commands go through the user's scoped store (S16).
var _ opportunityStore = (*scope.Store)(nil)

// opportunities is the store the pipeline commands use: the store scoped
// to the user (a Marketing Manager has no pipeline, a Salesperson works
// their own deals, a Jr. Salesperson creates none).
func (a *app) opportunities() opportunityStore {
	if a.st == nil {
		a.st = scope.For(a.db, a.user)
	}
	return a.st
}

// moneyJSON is an amount as the commands print it: minor units, the ISO
// 4217 code, and the amount written out ("€12,000.00").
type moneyJSON struct {
	Minor    int64  `json:"minor"`
	Currency string `json:"currency"`
	Text     string `json:"text"`
}

func moneyOut(m store.Money) moneyJSON {
	return moneyJSON{Minor: m.Minor, Currency: m.Currency, Text: m.String()}
}

// amountsOut lists per-currency sums in currency order; none is [].
func amountsOut(m map[string]int64) []moneyJSON {
	out := []moneyJSON{}
	for _, x := range store.Amounts(m) {
		out = append(out, moneyOut(x))
	}
	return out
}

// opportunityContactJSON is one contact of an opportunity.
type opportunityContactJSON struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	Email   string `json:"email"`
	Primary bool   `json:"primary,omitempty"`
}

// opportunityJSON is an opportunity as the commands print it.
type opportunityJSON struct {
	ID               int64                    `json:"id"`
	Name             string                   `json:"name"`
	Value            moneyJSON                `json:"value"`
	Weighted         moneyJSON                `json:"weighted"`
	Stage            string                   `json:"stage"`
	Probability      int                      `json:"probability"`
	State            store.Outcome            `json:"state"`
	LostReason       string                   `json:"lost_reason,omitempty"`
	CloseDate        string                   `json:"close_date,omitempty"` // YYYY-MM-DD
	OwnerID          int64                    `json:"owner_id"`
	Owner            string                   `json:"owner"`
	PrimaryContactID int64                    `json:"primary_contact_id"`
	PrimaryContact   string                   `json:"primary_contact"`
	Company          string                   `json:"company,omitempty"`
	Contacts         []opportunityContactJSON `json:"contacts,omitempty"`
	Version          int64                    `json:"version"`
}

func opportunityOut(o store.Opportunity) opportunityJSON {
	j := opportunityJSON{ID: o.ID, Name: o.Name, Value: moneyOut(o.Value), Weighted: moneyOut(o.Weighted()),
		Stage: o.Stage.Name, Probability: o.Stage.Probability, State: o.State, LostReason: o.LostReason,
		OwnerID: o.OwnerID, Owner: o.OwnerName, PrimaryContactID: o.PrimaryContactID,
		PrimaryContact: o.PrimaryName, Company: o.Company, Version: o.Version}
	if !o.CloseDate.IsZero() {
		j.CloseDate = o.CloseDate.Format(time.DateOnly)
	}
	for _, c := range o.Contacts {
		j.Contacts = append(j.Contacts, opportunityContactJSON{ID: c.ID, Name: c.Name, Email: c.Email, Primary: c.Primary})
	}
	return j
}

// closeText is an expected close as a person reads it, "—" when unknown.
func closeText(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.Format("2 Jan 2006")
}

// describeOpportunity is one line about o: "#7 Fleet renewal: €12,000.00
// at proposal (50 %), closes 15 Jan 2027, with Jürgen Müller".
func describeOpportunity(o store.Opportunity) string {
	s := fmt.Sprintf("#%d %s: %s at %s (%d %%)", o.ID, termSafe(o.Name), o.Value.String(), termSafe(o.Stage.Name),
		o.Stage.Probability)
	if !o.CloseDate.IsZero() {
		s += ", closes " + closeText(o.CloseDate)
	}
	if o.PrimaryName != "" {
		s += ", with " + termSafe(o.PrimaryName)
	}
	switch o.State {
	case store.OutcomeWon:
		s += " — won"
	case store.OutcomeLost:
		s += " — lost: " + termSafe(o.LostReason)
	}
	return s
}

// parseDate reads a calendar date as the commands take it: 2027-01-15 or
// 15 Jan 2027.
func parseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.DateOnly, "2 Jan 2006", "2 January 2006"} {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("cannot read %q as a date: write it like 2027-01-15 or 15 Jan 2027", s)
}

// parseClosing reads --closing: "this-month", "next-month", or a range
// DATE..DATE where either end may be left out.
func parseClosing(s string, now time.Time) (from, to time.Time, err error) {
	s = strings.ToLower(strings.TrimSpace(s))
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.Local)
	switch s {
	case "this-month", "this month":
		return first, first.AddDate(0, 1, -1), nil
	case "next-month", "next month":
		return first.AddDate(0, 1, 0), first.AddDate(0, 2, -1), nil
	}
	a, b, ok := strings.Cut(s, "..")
	if !ok {
		a, b = s, s
	}
	if strings.TrimSpace(a) == "" && strings.TrimSpace(b) == "" {
		return time.Time{}, time.Time{}, errors.New("--closing: give this-month, next-month or DATE..DATE (either end may be left out)")
	}
	if strings.TrimSpace(a) != "" {
		if from, err = parseDate(a); err != nil {
			return time.Time{}, time.Time{}, fmt.Errorf("--closing: %w", err)
		}
	}
	if strings.TrimSpace(b) != "" {
		if to, err = parseDate(b); err != nil {
			return time.Time{}, time.Time{}, fmt.Errorf("--closing: %w", err)
		}
	}
	if !from.IsZero() && !to.IsZero() && to.Before(from) {
		return time.Time{}, time.Time{}, fmt.Errorf("--closing: %s is before %s", b, a)
	}
	return from, to, nil
}

// findStage resolves a stage by name (any case), naming the stages when
// there is none so called.
func findStage(ctx context.Context, st opportunityStore, name string) (store.Stage, error) {
	stages, err := st.Stages(ctx)
	if err != nil {
		return store.Stage{}, err
	}
	names := make([]string, len(stages))
	for i, x := range stages {
		if strings.EqualFold(x.Name, strings.TrimSpace(name)) {
			return x, nil
		}
		names[i] = x.Name
	}
	return store.Stage{}, fmt.Errorf("there is no stage %q: the stages are %s", name, strings.Join(names, ", "))
}

// findOwner resolves --owner EMAIL.
func findOwner(ctx context.Context, st opportunityStore, email string) (store.User, error) {
	u, err := st.UserByEmail(ctx, strings.TrimSpace(email))
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrInvalid) {
		return store.User{}, fmt.Errorf("--owner %s is not a user of this CRM", email)
	}
	return u, err
}

// findOpportunity resolves the ID argument.
func findOpportunity(ctx context.Context, st opportunityStore, arg string) (store.Opportunity, error) {
	id, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(arg), "#"), 10, 64)
	if err != nil || id <= 0 {
		return store.Opportunity{}, fmt.Errorf("%q is not an opportunity ID: give its number (list them with: leadmail opportunities)", arg)
	}
	o, err := st.GetOpportunity(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return store.Opportunity{}, fmt.Errorf("there is no opportunity %d (list them with: leadmail opportunities)", id)
	}
	return o, err
}

// opportunityCmdApp opens the app for a command that changes
// opportunities, which a CRM user does.
func opportunityCmdApp(ctx context.Context, g *globals) (*app, error) {
	a, err := openApp(ctx, g)
	if err != nil {
		return nil, err
	}
	if a.user.ID == 0 {
		a.Close()
		return nil, errors.New("opportunities are changed by a CRM user: set user.email and user.name in the configuration")
	}
	return a, nil
}

func newOpportunitiesCmd(g *globals) *cobra.Command {
	list := newOpportunitiesListCmd(g)
	cmd := &cobra.Command{
		Use:     "opportunities [list|add|edit|move|won|lost]",
		Aliases: []string{"opps", "deals"},
		Short:   "Your deals: list, add, edit, move between stages, mark won or lost",
		Long: `opportunities lists and changes the deals of the pipeline. Without a
subcommand it lists the open ones, soonest expected close first (as list).

  leadmail opportunities add --name "Fleet renewal" --value 12000 --currency EUR \
      --contact ann@example.com --stage proposal --close 2027-01-15
  leadmail opportunities move 7 negotiation
  leadmail opportunities won 7
  leadmail opportunities lost 8 --reason "went with a competitor"

A value is in the currency's own units ("12000", "12,000.50", "EUR 12000");
it is stored in minor units, never as a float. Each change is an event on the
deal and on its contacts; a contact with an open deal has the status
"contact with opportunity" until none is left.`,
		Args: cobra.NoArgs,
		RunE: list.RunE,
	}
	cmd.Flags().AddFlagSet(list.Flags())
	cmd.AddCommand(list, newOpportunitiesAddCmd(g), newOpportunitiesEditCmd(g), newOpportunitiesMoveCmd(g),
		newOpportunitiesWonCmd(g), newOpportunitiesLostCmd(g))
	return cmd
}

// listFlags are the filters of opportunities list.
type listFlags struct {
	stage, owner, closing, state string
	mine, asJSON                 bool
	limit                        int
}

func newOpportunitiesListCmd(g *globals) *cobra.Command {
	var f listFlags
	cmd := &cobra.Command{
		Use:   "list [--stage S] [--mine | --owner EMAIL] [--closing this-month|DATE..DATE] [--json]",
		Short: "List deals, soonest expected close first",
		Long: `list prints the deals, soonest expected close first (those without one
last). By default the open ones; --state won, lost or all for the others.
--stage keeps one stage, --mine yours, --owner someone's, --closing those
expected to close this month (this-month), next month (next-month) or
between two dates (2027-01-01..2027-03-31, either end may be left out).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if f.limit < 1 || f.limit > 10000 {
				return fmt.Errorf("--limit %d must be between 1 and 10000", f.limit)
			}
			if f.mine && f.owner != "" {
				return errors.New("give --mine or --owner, not both")
			}
			var q store.OpportunityQuery
			switch s := strings.ToLower(strings.TrimSpace(f.state)); s {
			case "all":
			case "open", "won", "lost":
				q.State = store.Outcome(s)
			default:
				return fmt.Errorf("--state %q: give open, won, lost or all", f.state)
			}
			if f.closing != "" {
				var err error
				if q.ClosingFrom, q.ClosingTo, err = parseClosing(f.closing, time.Now()); err != nil {
					return err
				}
			}
			ctx := cmd.Context()
			a, err := openApp(ctx, g)
			if err != nil {
				return err
			}
			defer a.Close()
			st := a.opportunities()
			if f.stage != "" {
				s, err := findStage(ctx, st, f.stage)
				if err != nil {
					return err
				}
				q.StageID = s.ID
				if f.state == "open" && s.Outcome != store.OutcomeOpen {
					q.State = "" // --stage won lists the won ones
				}
			}
			if q.OwnerID, err = ownerFilter(ctx, a, st, f.mine, f.owner); err != nil {
				return err
			}
			var all []store.Opportunity
			for len(all) < f.limit {
				q.Limit = min(f.limit-len(all), store.MaxOpportunityPage)
				page, err := st.ListOpportunities(ctx, q)
				if err != nil {
					return storeSentence(err)
				}
				all = append(all, page.Opportunities...)
				if !page.HasNext || len(page.Opportunities) == 0 {
					break
				}
				last := page.Last
				q.After = &last
			}
			w := cmd.OutOrStdout()
			if f.asJSON {
				rows := make([]opportunityJSON, 0, len(all))
				for _, o := range all {
					rows = append(rows, opportunityOut(o))
				}
				return writeJSON(w, rows)
			}
			if len(all) == 0 {
				fmt.Fprintln(w, "No opportunities match.")
				return nil
			}
			return printOpportunities(w, all)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.stage, "stage", "", "only this stage")
	fl.StringVar(&f.owner, "owner", "", "only the deals of the user with this `EMAIL`")
	fl.BoolVar(&f.mine, "mine", false, "only your deals")
	fl.StringVar(&f.closing, "closing", "", "expected to close `WHEN`: this-month, next-month or DATE..DATE")
	fl.StringVar(&f.state, "state", "open", "open, won, lost or all")
	fl.IntVar(&f.limit, "limit", 200, "at most this many")
	fl.BoolVar(&f.asJSON, "json", false, "print JSON")
	return cmd
}

// ownerFilter resolves --mine and --owner to an owner id, 0 for all.
func ownerFilter(ctx context.Context, a *app, st opportunityStore, mine bool, owner string) (int64, error) {
	switch {
	case mine:
		if a.user.ID == 0 {
			return 0, errors.New("--mine needs you to be a CRM user: set user.email and user.name in the configuration")
		}
		return a.user.ID, nil
	case owner != "":
		u, err := findOwner(ctx, st, owner)
		return u.ID, err
	}
	return 0, nil
}

// printOpportunities writes a table of deals, data made safe for the
// terminal.
func printOpportunities(w io.Writer, os []store.Opportunity) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tSTAGE\tVALUE\tCLOSE\tOWNER\tCONTACT")
	for _, o := range os {
		stage := o.Stage.Name
		if o.State == store.OutcomeLost && o.LostReason != "" {
			stage += " (" + o.LostReason + ")"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", o.ID, termSafe(o.Name), termSafe(stage), o.Value.String(),
			closeText(o.CloseDate), termSafe(o.OwnerName), termSafe(o.PrimaryName))
	}
	return tw.Flush()
}

// writeOpportunity prints the result of a change: its line and what
// changed, or its JSON.
func writeOpportunity(w io.Writer, asJSON bool, o store.Opportunity, said string) error {
	if asJSON {
		return writeJSON(w, opportunityOut(o))
	}
	if said != "" {
		fmt.Fprintln(w, said)
	}
	fmt.Fprintln(w, describeOpportunity(o))
	return nil
}

// parseValue reads --value and --currency into Money.
func parseValue(value, currency string) (store.Money, error) {
	m, err := store.ParseMoney(value, currency)
	if err != nil {
		return store.Money{}, fmt.Errorf("--value: %w", storeSentence(err))
	}
	return m, nil
}

func newOpportunitiesAddCmd(g *globals) *cobra.Command {
	var name, value, currency, stage, closeDate, owner string
	var contacts []string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "add --name N --value V --currency C --contact EMAIL [--contact EMAIL…] [--stage S] [--close DATE] [--owner EMAIL]",
		Short: "Add a deal",
		Long: `add creates a deal. The first --contact is its primary contact (a send
from the deal fills the merge variables from them); more --contact add
other contacts. --stage defaults to the pipeline's first; --owner to you.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch {
			case strings.TrimSpace(name) == "":
				return errors.New("--name is required: what is the deal called?")
			case strings.TrimSpace(value) == "":
				return errors.New("--value is required, with --currency unless the value names it (12000 --currency EUR)")
			case len(contacts) == 0:
				return errors.New("--contact EMAIL is required: the deal's primary contact")
			}
			o := store.Opportunity{Name: name}
			var err error
			if o.Value, err = parseValue(value, currency); err != nil {
				return err
			}
			if closeDate != "" {
				if o.CloseDate, err = parseDate(closeDate); err != nil {
					return fmt.Errorf("--close: %w", err)
				}
			}
			ctx := cmd.Context()
			a, err := opportunityCmdApp(ctx, g)
			if err != nil {
				return err
			}
			defer a.Close()
			st := a.opportunities()
			if stage != "" {
				s, err := findStage(ctx, st, stage)
				if err != nil {
					return err
				}
				o.StageID = s.ID
			}
			if owner != "" {
				u, err := findOwner(ctx, st, owner)
				if err != nil {
					return err
				}
				o.OwnerID = u.ID
			}
			for i, em := range contacts {
				c, err := st.ContactByEmail(ctx, strings.TrimSpace(em))
				if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrInvalid) {
					return fmt.Errorf("--contact: no contact or lead has the email %s", em)
				}
				if err != nil {
					return err
				}
				if i == 0 {
					o.PrimaryContactID = c.ID
				} else {
					o.ContactIDs = append(o.ContactIDs, c.ID)
				}
			}
			if err := st.CreateOpportunity(ctx, &o, a.user.ID); err != nil {
				return storeSentence(err)
			}
			if o, err = st.GetOpportunity(ctx, o.ID); err != nil {
				return err
			}
			return writeOpportunity(cmd.OutOrStdout(), asJSON, o, "Added:")
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&name, "name", "", "the deal's name")
	fl.StringVar(&value, "value", "", "its value (12000, 12,000.50, EUR 12000)")
	fl.StringVar(&currency, "currency", "", "ISO 4217 currency code (EUR, USD, GBP…)")
	fl.StringArrayVar(&contacts, "contact", nil, "a contact's `EMAIL`; the first is the primary contact (repeatable)")
	fl.StringVar(&stage, "stage", "", "the stage (default the pipeline's first)")
	fl.StringVar(&closeDate, "close", "", "expected close `DATE` (2027-01-15 or 15 Jan 2027)")
	fl.StringVar(&owner, "owner", "", "the owner's `EMAIL` (default you)")
	fl.BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func newOpportunitiesEditCmd(g *globals) *cobra.Command {
	var name, value, currency, closeDate, owner string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "edit ID [--name N] [--value V [--currency C]] [--close DATE|none] [--owner EMAIL]",
		Short: "Change a deal's name, value, expected close or owner",
		Long: `edit changes the fields given and leaves the others. --close none removes
the expected close; a --value without --currency keeps the deal's currency.
The stage changes with move, won and lost.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			fl := cmd.Flags()
			if !fl.Changed("name") && !fl.Changed("value") && !fl.Changed("currency") && !fl.Changed("close") && !fl.Changed("owner") {
				return errors.New("nothing to change: give --name, --value, --currency, --close or --owner")
			}
			ctx := cmd.Context()
			a, err := opportunityCmdApp(ctx, g)
			if err != nil {
				return err
			}
			defer a.Close()
			st := a.opportunities()
			o, err := findOpportunity(ctx, st, args[0])
			if err != nil {
				return err
			}
			var ch store.OpportunityChanges
			if fl.Changed("name") {
				ch.Name = &name
			}
			if fl.Changed("currency") && !fl.Changed("value") {
				return errors.New("--currency goes with --value: give the value in the new currency")
			}
			if fl.Changed("value") {
				cur := currency
				if cur == "" && !strings.ContainsFunc(value, unicode.IsLetter) && !strings.ContainsAny(value, "€$£¥₹₩₪₦₴₫₱") {
					cur = o.Value.Currency
				}
				m, err := parseValue(value, cur)
				if err != nil {
					return err
				}
				ch.Value = &m
			}
			if fl.Changed("close") {
				var t time.Time
				if !strings.EqualFold(strings.TrimSpace(closeDate), "none") {
					if t, err = parseDate(closeDate); err != nil {
						return fmt.Errorf("--close: %w", err)
					}
				}
				ch.CloseDate = &t
			}
			if fl.Changed("owner") {
				u, err := findOwner(ctx, st, owner)
				if err != nil {
					return err
				}
				ch.OwnerID = &u.ID
			}
			got, err := st.UpdateOpportunity(ctx, o.ID, o.Version, ch, a.user.ID)
			if stale, ok := errors.AsType[*store.StaleOpportunityError](err); ok {
				return errors.New(stale.Error())
			}
			if err != nil {
				return storeSentence(err)
			}
			if got, err = st.GetOpportunity(ctx, got.ID); err != nil {
				return err
			}
			return writeOpportunity(cmd.OutOrStdout(), asJSON, got, "Changed:")
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&name, "name", "", "the new name")
	fl.StringVar(&value, "value", "", "the new value")
	fl.StringVar(&currency, "currency", "", "the currency of the new value")
	fl.StringVar(&closeDate, "close", "", "the new expected close `DATE`, or none")
	fl.StringVar(&owner, "owner", "", "the new owner's `EMAIL`")
	fl.BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// stageChange runs one stage change on the deal ID and prints it.
func stageChange(cmd *cobra.Command, g *globals, arg string, asJSON bool,
	change func(ctx context.Context, a *app, st opportunityStore, o store.Opportunity) (store.Opportunity, error)) error {
	ctx := cmd.Context()
	a, err := opportunityCmdApp(ctx, g)
	if err != nil {
		return err
	}
	defer a.Close()
	st := a.opportunities()
	o, err := findOpportunity(ctx, st, arg)
	if err != nil {
		return err
	}
	got, err := change(ctx, a, st, o)
	if err != nil {
		return storeSentence(err)
	}
	if got, err = st.GetOpportunity(ctx, got.ID); err != nil {
		return err
	}
	said := fmt.Sprintf("Stage: %s → %s", termSafe(o.Stage.Name), termSafe(got.Stage.Name))
	if o.Stage.ID == got.Stage.ID {
		said = ""
	}
	return writeOpportunity(cmd.OutOrStdout(), asJSON, got, said)
}

func newOpportunitiesMoveCmd(g *globals) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "move ID STAGE",
		Short: "Move a deal to another stage",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return stageChange(cmd, g, args[0], asJSON, func(ctx context.Context, a *app, st opportunityStore, o store.Opportunity) (store.Opportunity, error) {
				s, err := findStage(ctx, st, args[1])
				if err != nil {
					return store.Opportunity{}, err
				}
				switch {
				case s.Outcome == store.OutcomeWon:
					return store.Opportunity{}, fmt.Errorf("to mark it won: leadmail opportunities won %d", o.ID)
				case s.Outcome == store.OutcomeLost:
					return store.Opportunity{}, fmt.Errorf("to mark it lost, say why: leadmail opportunities lost %d --reason R", o.ID)
				case s.ID == o.StageID:
					return store.Opportunity{}, fmt.Errorf("the deal %s is already at %s", o.Name, s.Name)
				}
				return st.MoveOpportunity(ctx, o.ID, s.ID, a.user.ID)
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func newOpportunitiesWonCmd(g *globals) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "won ID",
		Short: "Mark a deal won",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return stageChange(cmd, g, args[0], asJSON, func(ctx context.Context, a *app, st opportunityStore, o store.Opportunity) (store.Opportunity, error) {
				return st.WinOpportunity(ctx, o.ID, a.user.ID)
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func newOpportunitiesLostCmd(g *globals) *cobra.Command {
	var reason string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "lost ID --reason R",
		Short: "Mark a deal lost, saying why",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if strings.TrimSpace(reason) == "" {
				return errors.New("--reason is required: why was the deal lost?")
			}
			return stageChange(cmd, g, args[0], asJSON, func(ctx context.Context, a *app, st opportunityStore, o store.Opportunity) (store.Opportunity, error) {
				return st.LoseOpportunity(ctx, o.ID, reason, a.user.ID)
			})
		},
	}
	cmd.Flags().StringVar(&reason, "reason", "", "why it was lost")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// sendOpportunity resolves `send --opportunity ID`: the deal's id, and
// its primary contact's address as the first --to when none was given.
func sendOpportunity(ctx context.Context, a *app, f *sendFlags) (int64, error) {
	o, err := findOpportunity(ctx, a.opportunities(), f.opportunity)
	if err != nil {
		return 0, fmt.Errorf("--opportunity: %w", err)
	}
	if len(f.to) > 0 {
		return o.ID, nil
	}
	var primary *store.OpportunityContact
	for i := range o.Contacts {
		if o.Contacts[i].Primary {
			primary = &o.Contacts[i]
		}
	}
	if primary == nil || strings.TrimSpace(primary.Email) == "" {
		return 0, fmt.Errorf("the deal %s's primary contact has no email address: add one, or give --to", termSafe(o.Name))
	}
	f.to = []string{primary.Email}
	return o.ID, nil
}
