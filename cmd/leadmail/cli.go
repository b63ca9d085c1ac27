package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/leadmail/leadmail/store"
)

// The scriptable twins of the TUI's main actions. Each prints a table, or
// JSON with --json; a refusal exits non-zero with the same sentence the TUI
// shows.

type contactJSON struct {
	ID           int64             `json:"id"`
	Kind         store.Kind        `json:"kind"`
	Status       store.Status      `json:"status"`
	Name         string            `json:"name"`
	FirstName    string            `json:"first_name"`
	LastName     string            `json:"last_name"`
	Email        string            `json:"email"`
	Company      string            `json:"company"`
	Title        string            `json:"title,omitempty"`
	Owner        string            `json:"owner,omitempty"`
	LastActivity *time.Time        `json:"last_activity,omitempty"`
	Custom       map[string]string `json:"custom,omitempty"`
}

// contactsFlags are the list flags of `leadmail contacts`.
type contactsFlags struct {
	search, kind, sort, status, owner string
	desc, mine, overdue, asJSON       bool
	archived                          bool
	limit, stale                      int
}

// request checks the flags that need no database and builds the page
// request; the owner is filled in by the caller.
func (f contactsFlags) request() (store.PageRequest, error) {
	k := store.Kind(f.kind)
	if f.kind != "" && !k.Valid() {
		return store.PageRequest{}, fmt.Errorf("--kind %q must be lead or contact", f.kind)
	}
	if f.limit < 1 || f.limit > 10000 {
		return store.PageRequest{}, fmt.Errorf("--limit %d must be between 1 and 10000", f.limit)
	}
	sort := store.SortOrder(f.sort)
	if !sort.Valid() {
		return store.PageRequest{}, fmt.Errorf("--sort %q must be name, company, activity or created", f.sort)
	}
	st := store.Status(f.status)
	if f.status != "" && !st.Valid() {
		return store.PageRequest{}, fmt.Errorf("--status %q must be open, unqualified, qualified, contact or contact_with_opportunity", f.status)
	}
	if f.stale < 0 {
		return store.PageRequest{}, fmt.Errorf("--stale %d must be a number of days, 1 or more", f.stale)
	}
	if f.mine && f.owner != "" {
		return store.PageRequest{}, errors.New("--mine and --owner both choose the owner: give one")
	}
	return store.PageRequest{
		Filter: store.ContactFilter{Kind: k, Status: st, StaleDays: f.stale, Overdue: f.overdue, Search: f.search,
			Archived: f.archived},
		Sort: sort, Desc: f.desc, Limit: f.limit,
		Brief: !f.asJSON, // the table prints only brief fields
	}, nil
}

func newContactsCmd(g *globals) *cobra.Command {
	var f contactsFlags
	cmd := &cobra.Command{
		Use:   "contacts",
		Short: "List contacts and leads: filter, sort, search",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			req, err := f.request()
			if err != nil {
				return err
			}
			a, err := openApp(cmd.Context(), g)
			if err != nil {
				return err
			}
			defer a.Close()
			switch {
			case f.mine:
				if a.user.ID == 0 {
					return errors.New("--mine needs your email as user.email in the configuration")
				}
				req.Filter.OwnerID = a.user.ID
			case f.owner != "":
				u, err := a.st.UserByEmail(cmd.Context(), f.owner)
				if errors.Is(err, store.ErrNotFound) {
					return fmt.Errorf("--owner %s is not a user of this CRM", f.owner)
				}
				if err != nil {
					return err
				}
				req.Filter.OwnerID = u.ID
			}
			page, err := a.st.ListContacts(cmd.Context(), req)
			if err != nil {
				return err
			}
			out := make([]contactJSON, 0, len(page.Contacts))
			for _, c := range page.Contacts {
				cj := contactJSON{ID: c.ID, Kind: c.Kind, Status: c.Status, Name: c.Name(),
					FirstName: c.FirstName, LastName: c.LastName, Email: c.Email, Company: c.Company,
					Title: c.Title, Owner: c.OwnerName, Custom: c.Custom}
				if !c.LastActivityAt.IsZero() {
					t := c.LastActivityAt
					cj.LastActivity = &t
				}
				out = append(out, cj)
			}
			if f.asJSON {
				return writeJSON(cmd.OutOrStdout(), out)
			}
			return writeTable(cmd.OutOrStdout(), []string{"NAME", "KIND", "STATUS", "EMAIL", "COMPANY", "OWNER", "LAST ACTIVITY"}, len(out), func(i int) []string {
				c := out[i]
				last := ""
				if c.LastActivity != nil {
					last = c.LastActivity.Local().Format("2006-01-02 15:04")
				}
				return []string{c.Name, string(c.Kind), string(c.Status), c.Email, c.Company, c.Owner, last}
			})
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.search, "search", "", "search name, email and company: word starts, and from 3 letters any part (best matches first)")
	fl.StringVar(&f.kind, "kind", "", "lead or contact (default both)")
	fl.StringVar(&f.sort, "sort", "name", "order: name, company, activity or created")
	fl.BoolVar(&f.desc, "desc", false, "descending order (Z to A, newest first)")
	fl.StringVar(&f.status, "status", "", "only this status: open, unqualified, qualified, contact, contact_with_opportunity")
	fl.StringVar(&f.owner, "owner", "", "only contacts owned by the user with this email")
	fl.BoolVar(&f.mine, "mine", false, "only your contacts")
	fl.IntVar(&f.stale, "stale", 0, "only contacts with no activity for this many days")
	fl.BoolVar(&f.overdue, "overdue", false, "only contacts with an overdue task")
	fl.BoolVar(&f.archived, "archived", false, "only archived contacts (the others are listed without it)")
	fl.IntVar(&f.limit, "limit", 50, "at most this many rows")
	fl.BoolVar(&f.asJSON, "json", false, "print JSON")
	cmd.AddCommand(contactsEditCmds(g)...)
	return cmd
}

type emailJSON struct {
	ID        int64    `json:"id"`
	Name      string   `json:"name"`
	Subject   string   `json:"subject"`
	Tags      []string `json:"tags"`
	SmartMail bool     `json:"smart_mail"`
}

func newEmailsCmd(g *globals) *cobra.Command {
	var smartOnly, asJSON bool
	var tag string
	cmd := &cobra.Command{
		Use:   "emails",
		Short: "List email templates; Smart Mail ones are marked",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, err := openApp(cmd.Context(), g)
			if err != nil {
				return err
			}
			defer a.Close()
			es, err := a.st.ListEmails(cmd.Context(), store.EmailFilter{SmartMailOnly: smartOnly, Tag: tag})
			if err != nil {
				return err
			}
			out := make([]emailJSON, 0, len(es))
			for _, e := range es {
				tags := e.Tags
				if tags == nil {
					tags = []string{}
				}
				out = append(out, emailJSON{ID: e.ID, Name: e.Name, Subject: e.Subject, Tags: tags, SmartMail: e.SmartMail})
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), out)
			}
			return writeTable(cmd.OutOrStdout(), []string{"NAME", "SMART MAIL", "TAGS", "SUBJECT"}, len(out), func(i int) []string {
				e := out[i]
				sm := ""
				if e.SmartMail {
					sm = "yes"
				}
				return []string{e.Name, sm, strings.Join(e.Tags, ","), e.Subject}
			})
		},
	}
	cmd.AddCommand(newEmailsExportCmd(g), newEmailsImportCmd(g))
	cmd.Flags().BoolVar(&smartOnly, "smart", false, "only emails designated Smart Mail")
	cmd.Flags().StringVar(&tag, "tag", "", "only emails with this tag")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

type eventJSON struct {
	Time      time.Time       `json:"time"`
	Kind      store.EventKind `json:"kind"`
	Subject   string          `json:"subject,omitempty"`
	Detail    string          `json:"detail,omitempty"`
	MessageID string          `json:"message_id,omitempty"`
	Status    string          `json:"status,omitempty"`
	// ReceivedID is the mail Mail Sync recorded that the event shows
	// (email_received, email_sent_elsewhere, replied, auto_reply, bounced).
	ReceivedID int64 `json:"received_id,omitempty"`
	// Answered marks an email_sent whose message got a reply.
	Answered bool `json:"answered,omitempty"`
	// Data is what a note, call, task, status or edited event is about
	// (store.Event.Data).
	Data map[string]string `json:"data,omitempty"`
	// OpportunityID and Opportunity name the deal the event is about (a
	// send, note or task from a deal, or the deal's own events).
	OpportunityID int64  `json:"opportunity_id,omitempty"`
	Opportunity   string `json:"opportunity,omitempty"`
}

func newTimelineCmd(g *globals) *cobra.Command {
	var limit int
	var asJSON, all bool
	var eml, emlOut string
	cmd := &cobra.Command{
		Use:   "timeline EMAIL [--all] [--eml MESSAGE_ID --out FILE]",
		Short: "Show a contact's Life of the Lead, newest first; --all pages through every event; --eml extracts a message",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if limit < 1 {
				return fmt.Errorf("--limit %d must be at least 1", limit)
			}
			if all && cmd.Flags().Changed("limit") {
				return errors.New("--all prints every event: leave out --limit")
			}
			a, err := openApp(cmd.Context(), g)
			if err != nil {
				return err
			}
			defer a.Close()
			ctx := cmd.Context()
			c, err := a.st.ContactByEmail(ctx, args[0])
			if errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("no contact or lead has the email %s", args[0])
			}
			if err != nil {
				return err
			}
			if eml != "" {
				return writeEML(cmd, a.db, c, eml, emlOut)
			}
			w := cmd.OutOrStdout()
			var out timelineWriter = &timelineTable{w: w}
			if asJSON {
				out = &timelineJSON{w: w}
			} else {
				fmt.Fprintf(w, "%s <%s> — %s, %s\n\n", termSafe(c.Name()), termSafe(c.Email), c.Kind, c.Status)
			}
			page := limit
			if all {
				page = store.TimelineLimit
			}
			evs, err := a.st.Timeline(ctx, c.ID, page)
			// --all reads one page at a time (keyset on the events'
			// time and id), so every page costs the same and no more
			// than one is ever in memory.
			for err == nil {
				var rows []eventJSON
				if rows, err = timelineRows(ctx, a.st, evs); err != nil {
					break
				}
				if err = out.page(rows); err != nil || !all || len(evs) < page {
					break
				}
				last := evs[len(evs)-1]
				evs, err = a.st.TimelineBefore(ctx, c.ID, last.At, last.ID, page)
			}
			if err != nil {
				return err
			}
			return out.end()
		},
	}
	cmd.Flags().IntVar(&limit, "limit", store.TimelineLimit, "at most this many events")
	cmd.Flags().BoolVar(&all, "all", false, "every event, read page by page")
	cmd.Flags().StringVar(&eml, "eml", "", "write the message with this Message-ID (as sent) to --out")
	cmd.Flags().StringVar(&emlOut, "out", "", `the .eml file --eml writes ("-": standard output)`)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// timelineRows turns one page of events into output rows, with the
// Message-ID and state of the message each names.
func timelineRows(ctx context.Context, db messageReader, evs []store.Event) ([]eventJSON, error) {
	msgs := map[int64]store.Message{}
	out := make([]eventJSON, 0, len(evs))
	for _, e := range evs {
		ej := eventJSON{Time: e.At, Kind: e.Kind, Subject: e.Subject, Detail: e.Detail,
			ReceivedID: e.ReceivedID, Answered: e.Answered, Data: e.Data,
			OpportunityID: e.OpportunityID, Opportunity: e.OpportunityName}
		if e.MessageID != 0 {
			m, ok := msgs[e.MessageID]
			if !ok {
				var err error
				if m, err = db.GetMessage(ctx, e.MessageID); err != nil {
					return nil, err
				}
				m.Raw = nil // only its id and state are printed
				msgs[e.MessageID] = m
			}
			ej.MessageID, ej.Status = m.MessageID, string(m.Status)
		}
		out = append(out, ej)
	}
	return out, nil
}

// timelineWriter prints a timeline page by page.
type timelineWriter interface {
	page(rows []eventJSON) error
	end() error
}

// timelineTable prints each page as a table under the same head.
type timelineTable struct {
	w    io.Writer
	rows int
}

func (t *timelineTable) page(rows []eventJSON) error {
	head := []string{"TIME", "EVENT", "SUBJECT", "DETAIL"}
	if t.rows > 0 {
		head = nil
	}
	t.rows += len(rows)
	return writeTable(t.w, head, len(rows), func(i int) []string {
		e := rows[i]
		kind := string(e.Kind)
		if e.Answered {
			kind += " (answered)"
		}
		return []string{e.Time.Local().Format("2006-01-02 15:04"), kind, e.Subject, e.Detail}
	})
}

func (t *timelineTable) end() error { return nil }

// timelineJSON streams one JSON array, element by element, formatted as
// writeJSON formats a whole one.
type timelineJSON struct {
	w io.Writer
	n int
}

func (t *timelineJSON) page(rows []eventJSON) error {
	for _, r := range rows {
		b, err := json.MarshalIndent(r, "  ", "  ")
		if err != nil {
			return err
		}
		sep := ",\n  "
		if t.n == 0 {
			sep = "[\n  "
		}
		t.n++
		if _, err := io.WriteString(t.w, sep+string(b)); err != nil {
			return err
		}
	}
	return nil
}

func (t *timelineJSON) end() error {
	end := "\n]\n"
	if t.n == 0 {
		end = "[]\n"
	}
	_, err := io.WriteString(t.w, end)
	return err
}

// writeEML writes the exact bytes of the contact's message mid to out.
func writeEML(cmd *cobra.Command, db *store.DB, c store.Contact, mid, out string) error {
	if out == "" {
		return errors.New("--eml needs --out FILE (or --out - for standard output)")
	}
	mid = strings.Trim(strings.TrimSpace(mid), "<>")
	m, err := db.MessageByMessageID(cmd.Context(), mid)
	if errors.Is(err, store.ErrNotFound) || (err == nil && m.ContactID != c.ID) {
		return fmt.Errorf("%s has no message <%s> (see the MESSAGE_ID column of: leadmail timeline %s --json)", c.Email, mid, c.Email)
	}
	if err != nil {
		return err
	}
	if out == "-" {
		_, err = rawOut(cmd).Write(m.Raw)
		return err
	}
	if err := os.WriteFile(out, m.Raw, 0o600); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	fmt.Fprintf(cmd.OutOrStdout(), "Wrote <%s> (%s, %d bytes) to %s\n", m.MessageID, m.Status, len(m.Raw), out)
	return nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// writeTable prints a table with one line per row; each cell is shown on
// one line with its controls escaped (see termSafe), so that data can
// neither reach the terminal raw nor break the columns.
// A nil head prints no head line: a later page of a table printed page by
// page.
func writeTable(w io.Writer, head []string, n int, row func(int) []string) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	if head != nil {
		fmt.Fprintln(tw, strings.Join(head, "\t"))
	}
	for i := range n {
		cells := row(i)
		for j, c := range cells {
			cells[j] = tableCell(c)
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	return tw.Flush()
}

// tableCell is s on one line with its controls escaped.
func tableCell(s string) string {
	return termSafe(strings.NewReplacer("\r\n", " ", "\n", " ", "\t", " ").Replace(s))
}
