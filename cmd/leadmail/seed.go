package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"github.com/spf13/cobra"

	"github.com/leadmail/leadmail/mail/demo"
	"github.com/leadmail/leadmail/store"
)

// maxSeedContacts bounds `leadmail seed`: ten times the size the product is
// measured at, and about 3 GB of database.
const maxSeedContacts = 10_000_000

// seedTeam is the sales team synthetic contacts are spread over when the
// database has no users yet.
var seedTeam = []store.User{
	{Name: "Alex Moreau", Email: "alex.moreau@seed.example", Title: "Sales Manager", Role: store.RoleSalesManager},
	{Name: "Priya Shah", Email: "priya.shah@seed.example", Title: "Account Executive", Role: store.RoleSalesperson},
	{Name: "Jonas Berg", Email: "jonas.berg@seed.example", Title: "Account Executive", Role: store.RoleSalesperson},
	{Name: "Lena Novak", Email: "lena.novak@seed.example", Title: "Sales Development Rep", Role: store.RoleJrSalesperson},
}

func newSeedCmd(g *globals) *cobra.Command {
	var n int
	cmd := &cobra.Command{
		Use:   "seed --contacts N",
		Short: "Add N synthetic contacts to the database (for trying leadmail at scale)",
		Long: `seed adds N generated people to the database: names, companies on reserved
.example domains, titles, cities, phones, kinds, statuses and custom fields,
owned evenly by the database's users (a small sales team is created when
there are none). Nobody seeded can be reached by mail.

Progress goes to stderr. The contacts go in as one transaction: an interrupted
seed writes nothing.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if n < 1 || n > maxSeedContacts {
				return fmt.Errorf("--contacts must be between 1 and %d, got %d", maxSeedContacts, n)
			}
			a, err := openApp(cmd.Context(), g)
			if err != nil {
				return err
			}
			defer a.Close()
			return seedContacts(cmd.Context(), a.db, n, cmd.ErrOrStderr())
		},
	}
	cmd.Flags().IntVar(&n, "contacts", 0, "how many synthetic contacts to add (1 to 10,000,000)")
	_ = cmd.MarkFlagRequired("contacts")
	return cmd
}

// seedContacts adds n synthetic contacts owned by db's users (creating
// seedTeam when there are none), reporting progress and the total on w.
func seedContacts(ctx context.Context, db *store.DB, n int, w io.Writer) error {
	owners, err := seedOwners(ctx, db)
	if err != nil {
		return err
	}
	start := time.Now()
	last := start
	progress := func(done int) {
		// One line rewritten in place, at most a few times a second.
		if now := time.Now(); now.Sub(last) >= 250*time.Millisecond || done == n {
			last = now
			fmt.Fprintf(w, "\rseeded %d of %d contacts (%.0f rows/s)", done, n, rate(done, now.Sub(start)))
			if done == n {
				fmt.Fprint(w, "; indexing and saving…")
			}
		}
	}
	// A seed derived from the clock, so a second run adds different people.
	rnd := rand.New(rand.NewPCG(uint64(start.UnixNano()), uint64(n)))
	err = demo.SyntheticProgress(ctx, db, n, owners, rnd, progress)
	fmt.Fprintln(w)
	if err != nil {
		return err
	}
	total, err := db.CountContacts(ctx, store.ContactFilter{})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Added %d contacts in %s (%.0f rows/s); the database now holds %d.\n",
		n, time.Since(start).Round(100*time.Millisecond), rate(n, time.Since(start)), total)
	return nil
}

// seedOwners returns the database's users, creating seedTeam first when
// there are none.
func seedOwners(ctx context.Context, db *store.DB) ([]store.User, error) {
	users, err := db.ListUsers(ctx)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	if len(users) > 0 {
		return users, nil
	}
	for _, u := range seedTeam {
		created, err := db.UpsertUser(ctx, u)
		if err != nil {
			return nil, fmt.Errorf("create user %s: %w", u.Email, err)
		}
		users = append(users, created)
	}
	return users, nil
}

// rate is n per second over d.
func rate(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}
