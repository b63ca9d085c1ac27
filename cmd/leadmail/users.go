package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/store/scope"
)

// recordUser returns the configured user as the database knows them. The
// configuration says only who you are (user.email, and user.name, title
// and phone, kept up to date here); the role is the database's. The first
// user of a database without an administrator (a new one, or one the demo
// or seed filled) becomes its Administrator; once it has one, a user it
// does not know is refused with the command an administrator runs to add
// them, and a deactivated one is refused. Starting up writes
// nothing when nothing changed, so a read-only database still opens.
func (a *app) recordUser(ctx context.Context) (store.User, error) {
	c := a.cfg.User
	email, name := strings.TrimSpace(c.Email), strings.TrimSpace(c.Name)
	if email == "" {
		return store.User{}, nil
	}
	have, err := a.db.UserByEmail(ctx, email)
	switch {
	case err == nil && !have.Active:
		return store.User{}, fmt.Errorf("%s was deactivated by an administrator of %s and can no longer use it", have.Email, a.dbPath)
	case err == nil:
		if name == "" || a.db.ReadOnly() || (have.Name == name && have.Title == c.Title && have.Phone == c.Phone) {
			return have, nil
		}
		u, err := a.db.UpdateProfile(ctx, have.ID, name, c.Title, c.Phone)
		if err != nil {
			return store.User{}, fmt.Errorf("record user %s: %w", email, err)
		}
		return u, nil
	case !errors.Is(err, store.ErrNotFound):
		return store.User{}, err
	}
	claimed, err := a.db.HasAdministrator(ctx)
	if err != nil {
		return store.User{}, err
	}
	if claimed && isDemoDB(a.dbPath) {
		// Demo mode: on the demo's database you are the demo's salesperson.
		return a.db.UserByEmail(ctx, demoSender.Email)
	}
	if claimed {
		shown := name
		if shown == "" {
			shown = "Your Name"
		}
		return store.User{}, fmt.Errorf("%s is not a user of %s: an administrator of it adds you with `leadmail users add %s --name %q --role salesperson`",
			termSafe(email), a.dbPath, termSafe(email), termSafe(shown))
	}
	want := store.User{Name: name, Email: email, Title: c.Title, Phone: c.Phone, Role: store.RoleAdministrator, Active: true}
	if name == "" || a.db.ReadOnly() {
		return want, nil // not recorded until user.name is set; sending refuses until then
	}
	u, err := a.db.AddFirstUser(ctx, want)
	if err != nil {
		return store.User{}, fmt.Errorf("record user %s: %w", email, err)
	}
	return u, nil
}

// scoped is the store as the configured user may use it. Without
// user.email, who you are follows from the database: one with no users
// yet is being set up (init, import) and is yours whole; one with a single
// active user is that user's, as a consultant working alone has it; with
// two or more, leadmail cannot tell which you are, and every read and
// write is refused with the sentence saying how to name yourself (listing
// the users, which that sentence points to, still works).
func (a *app) scoped(ctx context.Context) (*scope.Store, error) {
	if a.user.Email != "" {
		return scope.For(a.db, a.user), nil
	}
	us, err := a.db.ListUsers(ctx)
	if err != nil {
		return nil, err
	}
	var active []store.User
	for _, u := range us {
		if u.Active {
			active = append(active, u)
		}
	}
	switch len(active) {
	case 0:
		return scope.For(a.db, store.User{Role: store.RoleAdministrator, Active: true}), nil
	case 1:
		a.user = active[0]
		return scope.For(a.db, a.user), nil
	}
	where := a.cfgPath
	if where == "" {
		where = filepath.Join(configDir(), "config.yaml")
	}
	return scope.Unidentified(a.db, fmt.Sprintf("this database has %d users: set user.email in %s to say which one you are (`leadmail users` lists them)",
		len(active), termSafe(where))), nil
}

// isDemoDB reports whether path is the demo's database (see
// openDemoStore).
func isDemoDB(path string) bool {
	demo, err1 := filepath.Abs(filepath.Join(dataDir(), "demo", "demo.db"))
	p, err2 := filepath.Abs(path)
	return err1 == nil && err2 == nil && p == demo
}

// userJSON is a user as users --json prints it.
type userJSON struct {
	ID        int64      `json:"id"`
	Name      string     `json:"name"`
	Email     string     `json:"email"`
	Title     string     `json:"title,omitempty"`
	Role      store.Role `json:"role"`
	Active    bool       `json:"active"`
	CreatedAt time.Time  `json:"created_at"`
}

func toUserJSON(u store.User) userJSON {
	return userJSON{ID: u.ID, Name: u.Name, Email: u.Email, Title: u.Title, Role: u.Role, Active: u.Active, CreatedAt: u.CreatedAt}
}

func newUsersCmd(g *globals) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "users [list|add|set-role|deactivate]",
		Short: "The CRM's users and their roles (changing them is for administrators)",
		Long: `The CRM's users and their roles. Roles live in the database, not in the
config file: the first user of a new database is its Administrator, and only
an administrator adds users, changes roles and deactivates users. Roles:
` + roleNames() + `.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return listUsers(cmd, g, asJSON) },
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	list := &cobra.Command{
		Use:   "list",
		Short: "List the users with their roles",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return listUsers(cmd, g, asJSON) },
	}
	list.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.AddCommand(list, newUsersAddCmd(g), newUsersSetRoleCmd(g), newUsersDeactivateCmd(g))
	return cmd
}

// roleNames lists the roles for help text.
func roleNames() string {
	var ss []string
	for _, r := range store.Roles() {
		ss = append(ss, string(r))
	}
	return strings.Join(ss, ", ")
}

func listUsers(cmd *cobra.Command, g *globals, asJSON bool) error {
	a, err := openApp(cmd.Context(), g)
	if err != nil {
		return err
	}
	defer a.Close()
	us, err := a.st.ListUsers(cmd.Context())
	if err != nil {
		return err
	}
	if asJSON {
		out := make([]userJSON, 0, len(us))
		for _, u := range us {
			out = append(out, toUserJSON(u))
		}
		return writeJSON(cmd.OutOrStdout(), out)
	}
	tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tEMAIL\tROLE\tACTIVE")
	for _, u := range us {
		active := "yes"
		if !u.Active {
			active = "no"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", u.ID, termSafe(u.Name), termSafe(u.Email), u.Role, active)
	}
	return tw.Flush()
}

// printUser says what a users subcommand did, or prints the user as JSON.
func printUser(cmd *cobra.Command, u store.User, asJSON bool, format string) error {
	if asJSON {
		return writeJSON(cmd.OutOrStdout(), toUserJSON(u))
	}
	_, err := fmt.Fprintf(cmd.OutOrStdout(), format+"\n", termSafe(u.Name), termSafe(u.Email), u.Role)
	return err
}

func newUsersAddCmd(g *globals) *cobra.Command {
	var name, role, title string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "add EMAIL --name N --role R",
		Short: "Add a user with a role (administrators only)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			r := store.Role(strings.TrimSpace(role))
			if !r.Valid() {
				return fmt.Errorf("--role %q is not a role: give one of %s", termSafe(role), roleNames())
			}
			a, err := openApp(ctx, g)
			if err != nil {
				return err
			}
			defer a.Close()
			u, err := a.st.AddUser(ctx, store.User{Name: name, Email: args[0], Title: title, Role: r})
			if errors.Is(err, store.ErrConflict) {
				return fmt.Errorf("%s is already a user; `leadmail users set-role %s ROLE` changes their role", termSafe(args[0]), termSafe(args[0]))
			}
			if err != nil {
				return storeSentence(err)
			}
			return printUser(cmd, u, asJSON, "Added %s <%s> as %s.")
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "the user's name, as their recipients see it")
	cmd.Flags().StringVar(&role, "role", "", "the role: "+roleNames())
	cmd.Flags().StringVar(&title, "title", "", "their job title ({{user.title}})")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// findUser resolves EMAIL|ID as the users subcommands take it.
func findUser(ctx context.Context, st *scope.Store, arg string) (store.User, error) {
	us, err := st.ListUsers(ctx)
	if err != nil {
		return store.User{}, err
	}
	arg = strings.TrimSpace(arg)
	for _, u := range us {
		if strings.EqualFold(u.Email, arg) || fmt.Sprint(u.ID) == arg {
			return u, nil
		}
	}
	return store.User{}, fmt.Errorf("no user has the email or ID %s; `leadmail users` lists them", termSafe(arg))
}

func newUsersSetRoleCmd(g *globals) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "set-role EMAIL ROLE",
		Short: "Change a user's role (administrators only)",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			r := store.Role(strings.TrimSpace(args[1]))
			if !r.Valid() {
				return fmt.Errorf("%q is not a role: give one of %s", termSafe(args[1]), roleNames())
			}
			a, err := openApp(ctx, g)
			if err != nil {
				return err
			}
			defer a.Close()
			u, err := findUser(ctx, a.st, args[0])
			if err != nil {
				return err
			}
			if u, err = a.st.SetRole(ctx, u.ID, r); err != nil {
				return storeSentence(err)
			}
			return printUser(cmd, u, asJSON, "%s <%s> is now %s.")
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func newUsersDeactivateCmd(g *globals) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "deactivate EMAIL",
		Short: "Deactivate a user: they keep what they own and can no longer start leadmail (administrators only)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			a, err := openApp(ctx, g)
			if err != nil {
				return err
			}
			defer a.Close()
			u, err := findUser(ctx, a.st, args[0])
			if err != nil {
				return err
			}
			if u, err = a.st.Deactivate(ctx, u.ID); err != nil {
				return storeSentence(err)
			}
			return printUser(cmd, u, asJSON, "Deactivated %s <%s> (%s): they keep their contacts and can no longer start leadmail.")
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// The commands' helpers take the small interfaces below, which the scoped
// store a user's commands get satisfies (and *store.DB, for tests and the
// importer).
type (
	// contactFinder resolves a contact by id or email (findContact).
	contactFinder interface {
		GetContact(ctx context.Context, id int64) (store.Contact, error)
		ContactByEmail(ctx context.Context, email string) (store.Contact, error)
	}
	// contactLister pages through contacts and names their owners
	// (export).
	contactLister interface {
		ListContacts(ctx context.Context, req store.PageRequest) (store.ContactPage, error)
		ListUsers(ctx context.Context) ([]store.User, error)
	}
	// userFinder resolves --owner.
	userFinder interface {
		UserByEmail(ctx context.Context, email string) (store.User, error)
	}
	// messageReader reads the messages a timeline names.
	messageReader interface {
		GetMessage(ctx context.Context, id int64) (store.Message, error)
	}
)
