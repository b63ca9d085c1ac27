package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/leadmail/leadmail/store"
)

// contactsEditCmds are the subcommands of `leadmail contacts` that change
// contacts: add, edit, archive, unarchive, forget.
func contactsEditCmds(g *globals) []*cobra.Command {
	return []*cobra.Command{newContactsAddCmd(g), newContactsEditCmd(g),
		newContactsArchiveCmd(g, true), newContactsArchiveCmd(g, false), newContactsForgetCmd(g)}
}

// findContact resolves EMAIL|ID as the commands take it.
func findContact(ctx context.Context, db contactFinder, arg string) (store.Contact, error) {
	arg = strings.TrimSpace(arg)
	if id, err := strconv.ParseInt(arg, 10, 64); err == nil && id > 0 {
		c, err := db.GetContact(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			return store.Contact{}, fmt.Errorf("no contact or lead has the ID %d", id)
		}
		return c, err
	}
	c, err := db.ContactByEmail(ctx, arg)
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrInvalid) {
		return store.Contact{}, fmt.Errorf("no contact or lead has the email %s", arg)
	}
	return c, err
}

// openContact opens the app and finds the contact EMAIL|ID arg; the caller
// closes the app.
func openContact(ctx context.Context, g *globals, arg string) (*app, store.Contact, error) {
	a, err := openApp(ctx, g)
	if err != nil {
		return nil, store.Contact{}, err
	}
	c, err := findContact(ctx, a.st, arg)
	if err != nil {
		a.Close()
		return nil, store.Contact{}, err
	}
	return a, c, nil
}

// storeSentence turns a store refusal into its sentence, without the
// operations it was wrapped with.
func storeSentence(err error) error {
	if dup, ok := errors.AsType[*store.DuplicateEmailError](err); ok {
		return fmt.Errorf("%s; add --allow-duplicate to go on anyway", dup.Error())
	}
	if st, ok := errors.AsType[*store.StaleError](err); ok {
		return errors.New(st.Error())
	}
	if errors.Is(err, store.ErrInvalid) {
		msg := err.Error()
		if i := strings.LastIndex(msg, store.ErrInvalid.Error()+": "); i >= 0 {
			msg = msg[i+len(store.ErrInvalid.Error())+2:]
		}
		return errors.New(msg)
	}
	return err
}

// contactFlags are the field flags of contacts add and edit.
type contactFlags struct {
	first, last, email, phone, company, title, city, country string
	owner, kind, status                                      string
	custom, removeCustom, renameCustom                       []string
	allowDup, asJSON                                         bool
}

func (f *contactFlags) register(cmd *cobra.Command, edit bool) {
	fl := cmd.Flags()
	fl.StringVar(&f.first, "first-name", "", "first name")
	fl.StringVar(&f.last, "last-name", "", "last name")
	fl.StringVar(&f.email, "email", "", "email address (name@example.com)")
	fl.StringVar(&f.phone, "phone", "", "phone number")
	fl.StringVar(&f.company, "company", "", "company")
	fl.StringVar(&f.title, "title", "", "job title")
	fl.StringVar(&f.city, "city", "", "city")
	fl.StringVar(&f.country, "country", "", "country")
	fl.StringVar(&f.owner, "owner", "", `the owning user's email ("" in edit: nobody)`)
	fl.StringVar(&f.kind, "kind", "", "lead or contact")
	fl.StringArrayVar(&f.custom, "custom", nil, "a custom field, key=value (repeatable)")
	fl.BoolVar(&f.allowDup, "allow-duplicate", false, "take an email another contact has")
	fl.BoolVar(&f.asJSON, "json", false, "print JSON")
	if edit {
		fl.StringVar(&f.status, "status", "", "open, unqualified, qualified or contact")
		fl.StringArrayVar(&f.removeCustom, "remove-custom", nil, "remove a custom field (repeatable)")
		fl.StringArrayVar(&f.renameCustom, "rename-custom", nil, "rename a custom field, old=new (repeatable)")
	}
}

// pairs reads key=value flags.
func pairs(flag string, vs []string) (map[string]string, error) {
	if len(vs) == 0 {
		return nil, nil
	}
	m := map[string]string{}
	for _, v := range vs {
		k, val, ok := strings.Cut(v, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return nil, fmt.Errorf("--%s %q must be key=value", flag, v)
		}
		m[strings.TrimSpace(k)] = val
	}
	return m, nil
}

// ownerID resolves --owner: a user's email, "" for nobody.
func ownerID(ctx context.Context, db userFinder, email string) (int64, error) {
	if strings.TrimSpace(email) == "" {
		return 0, nil
	}
	u, err := db.UserByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrInvalid) {
		return 0, fmt.Errorf("--owner %s is not a user of this CRM", email)
	}
	return u.ID, err
}

func contactOut(c store.Contact) contactJSON {
	cj := contactJSON{ID: c.ID, Kind: c.Kind, Status: c.Status, Name: c.Name(),
		FirstName: c.FirstName, LastName: c.LastName, Email: c.Email, Company: c.Company,
		Title: c.Title, Owner: c.OwnerName, Custom: c.Custom}
	if !c.LastActivityAt.IsZero() {
		t := c.LastActivityAt
		cj.LastActivity = &t
	}
	return cj
}

// savedJSON is a contact as add, edit, archive and unarchive print it.
type savedJSON struct {
	contactJSON
	Phone    string `json:"phone,omitempty"`
	City     string `json:"city,omitempty"`
	Country  string `json:"country,omitempty"`
	Version  int64  `json:"version"`
	Archived bool   `json:"archived"`
}

func writeSaved(w io.Writer, c store.Contact, asJSON bool, sentence string) error {
	if asJSON {
		return writeJSON(w, savedJSON{contactJSON: contactOut(c), Phone: c.Phone, City: c.City,
			Country: c.Country, Version: c.Version, Archived: !c.ArchivedAt.IsZero()})
	}
	_, err := fmt.Fprintln(w, sentence)
	return err
}

func newContactsAddCmd(g *globals) *cobra.Command {
	var f contactFlags
	cmd := &cobra.Command{
		Use:   "add --email E --first-name F --last-name L [--company C] [--kind lead|contact] [--owner EMAIL] [--custom key=value …]",
		Short: "Add a contact or lead",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if f.kind == "" {
				f.kind = string(store.KindLead)
			}
			k := store.Kind(f.kind)
			if !k.Valid() {
				return fmt.Errorf("--kind %q must be lead or contact", f.kind)
			}
			custom, err := pairs("custom", f.custom)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			a, err := openApp(ctx, g)
			if err != nil {
				return err
			}
			defer a.Close()
			c := store.Contact{Kind: k, FirstName: f.first, LastName: f.last, Email: f.email,
				Phone: f.phone, Company: f.company, Title: f.title, City: f.city, Country: f.country, Custom: custom}
			if k == store.KindContact {
				c.Status = store.StatusContact
			}
			if c.OwnerID, err = ownerID(ctx, a.st, f.owner); err != nil {
				return err
			}
			if err := a.st.CreateContactWith(ctx, &c, store.ContactOptions{AllowDuplicateEmail: f.allowDup}); err != nil {
				return storeSentence(err)
			}
			if c, err = a.st.GetContact(ctx, c.ID); err != nil {
				return err
			}
			return writeSaved(cmd.OutOrStdout(), c, f.asJSON, fmt.Sprintf("Added the %s %s (ID %d).", c.Kind, c.Name(), c.ID))
		},
	}
	f.register(cmd, false)
	return cmd
}

func newContactsEditCmd(g *globals) *cobra.Command {
	var f contactFlags
	cmd := &cobra.Command{
		Use:   "edit EMAIL|ID [--status S] [--email E] [field flags] [--custom k=v] [--remove-custom k] [--rename-custom old=new]",
		Short: "Change a contact's fields, status, owner or custom fields; each change is an event",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ch, err := f.changes(cmd)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			a, c, err := openContact(ctx, g, args[0])
			if err != nil {
				return err
			}
			defer a.Close()
			if cmd.Flags().Changed("owner") {
				id, err := ownerID(ctx, a.st, f.owner)
				if err != nil {
					return err
				}
				ch.OwnerID = &id
			}
			ch.By = a.user.ID
			saved, err := a.st.UpdateContact(ctx, c.ID, c.Version, ch)
			if err != nil {
				return storeSentence(err)
			}
			msg := fmt.Sprintf("Saved %s.", saved.Name())
			if saved.Version == c.Version {
				msg = fmt.Sprintf("Nothing changed: %s already has these values.", saved.Name())
			}
			return writeSaved(cmd.OutOrStdout(), saved, f.asJSON, msg)
		},
	}
	f.register(cmd, true)
	return cmd
}

// changes are the edits the flags set on cmd ask for.
func (f *contactFlags) changes(cmd *cobra.Command) (store.ContactChanges, error) {
	var ch store.ContactChanges
	for _, x := range []struct {
		flag string
		v    *string
		to   **string
	}{{"first-name", &f.first, &ch.FirstName}, {"last-name", &f.last, &ch.LastName},
		{"email", &f.email, &ch.Email}, {"phone", &f.phone, &ch.Phone},
		{"company", &f.company, &ch.Company}, {"title", &f.title, &ch.Title},
		{"city", &f.city, &ch.City}, {"country", &f.country, &ch.Country}} {
		if cmd.Flags().Changed(x.flag) {
			*x.to = x.v
		}
	}
	if cmd.Flags().Changed("kind") {
		k := store.Kind(f.kind)
		if !k.Valid() {
			return ch, fmt.Errorf("--kind %q must be lead or contact", f.kind)
		}
		ch.Kind = &k
	}
	if cmd.Flags().Changed("status") {
		s := store.Status(strings.ReplaceAll(f.status, "-", "_"))
		ch.Status = &s
	}
	var err error
	if ch.SetCustom, err = pairs("custom", f.custom); err != nil {
		return ch, err
	}
	if ch.RenameCustom, err = pairs("rename-custom", f.renameCustom); err != nil {
		return ch, err
	}
	ch.RemoveCustom = f.removeCustom
	ch.Options.AllowDuplicateEmail = f.allowDup
	return ch, nil
}

func newContactsArchiveCmd(g *globals, archive bool) *cobra.Command {
	var asJSON bool
	use, short := "archive", "Hide a contact from the lists, keeping its history"
	if !archive {
		use, short = "unarchive", "Bring an archived contact back into the lists"
	}
	cmd := &cobra.Command{
		Use:   use + " EMAIL|ID",
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			a, c, err := openContact(ctx, g, args[0])
			if err != nil {
				return err
			}
			defer a.Close()
			op, done := a.st.Archive, "Archived %s: hidden from the lists, history kept."
			if !archive {
				op, done = a.st.Unarchive, "Unarchived %s: back in the lists."
			}
			saved, err := op(ctx, c.ID, a.user.ID)
			if err != nil {
				return storeSentence(err)
			}
			if saved.Version == c.Version {
				done = "Nothing changed: %s is already " + use + "d."
			}
			return writeSaved(cmd.OutOrStdout(), saved, asJSON, fmt.Sprintf(done, saved.Name()))
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// forgetJSON is what forget prints with --json.
type forgetJSON struct {
	ID int64 `json:"id"`
	store.Forgotten
}

func newContactsForgetCmd(g *globals) *cobra.Command {
	var yes, asJSON bool
	cmd := &cobra.Command{
		Use:   "forget EMAIL|ID [--yes]",
		Short: "Erase a person, their messages, mail, notes, calls, tasks and events (a privacy request)",
		Long: `forget erases a person for a privacy request: the contact, the messages sent
to them, the mail Mail Sync recorded that involves only them, their notes,
calls, tasks and every event of their Life of the Lead. It cannot be undone.
On a terminal it asks you to type their email (or ID); scripts pass --yes.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			a, c, err := openContact(ctx, g, args[0])
			if err != nil {
				return err
			}
			defer a.Close()
			if !yes {
				if err := confirmForget(cmd, c); err != nil {
					return err
				}
			}
			f, err := a.st.Forget(ctx, c.ID)
			if err != nil {
				return storeSentence(err)
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), forgetJSON{ID: c.ID, Forgotten: f})
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "Forgot %s: removed %s, %s, %s, %s, %s and %s.\n", c.Name(),
				plural(f.Messages, "message"), plural(f.Received, "received message"), plural(f.Notes, "note"),
				plural(f.Calls, "call"), plural(f.Tasks, "task"), plural(f.Events, "event"))
			return err
		},
	}
	cmd.Flags().BoolVar(&yes, "yes", false, "do not ask (for scripts)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// confirmForget asks for the typed email (or ID) of c on a terminal.
func confirmForget(cmd *cobra.Command, c store.Contact) error {
	in, ok := cmd.InOrStdin().(*os.File)
	if !ok || !isTerminal(in) {
		return errors.New("forget erases for good: add --yes to confirm when not on a terminal; nothing was erased")
	}
	want := c.Email
	if want == "" {
		want = strconv.FormatInt(c.ID, 10)
	}
	fmt.Fprintf(cmd.OutOrStdout(), "This erases %s and all their history for good.\nType %s to confirm: ", termSafe(c.Name()), termSafe(want))
	line, _ := bufio.NewReader(io.LimitReader(in, 1024)).ReadString('\n')
	if !strings.EqualFold(strings.TrimSpace(line), want) {
		return errors.New("that was not " + want + ": nothing was erased")
	}
	return nil
}
