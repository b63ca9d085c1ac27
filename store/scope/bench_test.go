package scope_test

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/store/scope"
)

// scopeBenchContacts is the size of the scoping benchmarks' database; the
// question they answer (what scoping adds to a page and a search) is a
// ratio, which 50k contacts shows as well as a million.
var scopeBenchContacts = flag.Int("scopecontacts", 50_000, "contacts in the scoping benchmark database")

// scopeBench is the benchmarks' database: an administrator, a Salesperson
// and a Jr. Salesperson owning one contact in five each, the rest spread
// over two more owners.
type scopeBench struct {
	once     sync.Once
	err      error
	db       *store.DB
	users    map[store.Role]store.User
	cursors  []store.Cursor
	prefixes []string
}

var scopeData scopeBench

// benchDir holds the benchmarks' database for the whole run (TestMain).
var benchDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "leadmail-scope-bench-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	benchDir = dir
	code := m.Run()
	if scopeData.db != nil {
		_ = scopeData.db.Close()
	}
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

func (d *scopeBench) get(b *testing.B) *scopeBench {
	b.Helper()
	d.once.Do(func() { d.err = d.build(context.Background(), filepath.Join(benchDir, "scope.db")) })
	if d.err != nil {
		b.Fatalf("build benchmark database: %v", d.err)
	}
	return d
}

func (d *scopeBench) build(ctx context.Context, path string) error {
	db, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		return err
	}
	d.db, d.users = db, map[store.Role]store.User{}
	var owners []int64
	for _, r := range []store.Role{store.RoleAdministrator, store.RoleSalesperson, store.RoleJrSalesperson,
		store.RoleSalesManager, store.RoleMarketingManager} {
		u := store.User{Name: string(r), Email: string(r) + "@bench.example", Role: r}
		if r == store.RoleAdministrator {
			u, err = db.AddFirstUser(ctx, u)
		} else {
			u, err = db.AddUser(ctx, u)
		}
		if err != nil {
			return err
		}
		d.users[r] = u
		owners = append(owners, u.ID)
	}
	rng := rand.New(rand.NewPCG(12, 16))
	syl := []string{"ka", "lo", "mi", "ran", "de", "su", "ber", "ta", "no", "vi", "el", "mar", "tin", "son"}
	name := func(n int) string {
		var sb strings.Builder
		for range n {
			sb.WriteString(syl[rng.IntN(len(syl))])
		}
		s := sb.String()
		return strings.ToUpper(s[:1]) + s[1:]
	}
	cs := make([]store.Contact, *scopeBenchContacts)
	for i := range cs {
		first, last := name(2), name(2+rng.IntN(2))
		cs[i] = store.Contact{Kind: store.KindLead, FirstName: first, LastName: last,
			Email:   strings.ToLower(fmt.Sprintf("%s.%s.%d@bench.example", first, last, i)),
			Company: name(3) + " Ltd", OwnerID: owners[rng.IntN(len(owners))]}
	}
	if err := db.InsertContacts(ctx, cs); err != nil {
		return err
	}
	for i := 0; i < 200; i++ {
		d.prefixes = append(d.prefixes, strings.ToLower(cs[rng.IntN(len(cs))].LastName[:3]))
	}
	req := store.PageRequest{Limit: 50, Brief: true}
	for len(d.cursors) < 200 {
		p, err := db.ListContacts(ctx, req)
		if err != nil {
			return err
		}
		if !p.HasNext {
			break
		}
		d.cursors = append(d.cursors, p.Last)
		last := p.Last
		req.After = &last
	}
	return nil
}

// lister is what the benchmarks page through: the bare store or a scoped one.
type lister interface {
	ListContacts(ctx context.Context, req store.PageRequest) (store.ContactPage, error)
}

// scopeCases are the bare store, the same query a Jr. Salesperson's scope
// makes (the bare store filtered to them), and the scoped stores.
func scopeCases(d *scopeBench) []struct {
	name string
	l    lister
	f    store.ContactFilter
} {
	jr := d.users[store.RoleJrSalesperson]
	return []struct {
		name string
		l    lister
		f    store.ContactFilter
	}{
		{"db", d.db, store.ContactFilter{}},
		{"scoped-salesperson", scope.For(d.db, d.users[store.RoleSalesperson]), store.ContactFilter{}},
		{"scoped-administrator", scope.For(d.db, d.users[store.RoleAdministrator]), store.ContactFilter{}},
		{"db-owner", d.db, store.ContactFilter{OwnerID: jr.ID}},
		{"scoped-jr", scope.For(d.db, jr), store.ContactFilter{}},
	}
}

// BenchmarkScopedContactsPage is BenchmarkContactsNextPage through the
// scoped store: a brief page of 50 after a cursor spread over the list.
// scoped-salesperson against db, and scoped-jr against db-owner (the
// same query), is what scoping adds (< 10 %).
func BenchmarkScopedContactsPage(b *testing.B) {
	d := scopeData.get(b)
	for _, sc := range scopeCases(d) {
		b.Run(sc.name, func(b *testing.B) {
			i := 0
			for b.Loop() {
				c := d.cursors[i%len(d.cursors)]
				i++
				if _, err := sc.l.ListContacts(b.Context(), store.PageRequest{Limit: 50, Brief: true, After: &c, Filter: sc.f}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkScopedContactsSearch is BenchmarkContactsSearch through the
// scoped store.
func BenchmarkScopedContactsSearch(b *testing.B) {
	d := scopeData.get(b)
	for _, sc := range scopeCases(d) {
		b.Run(sc.name, func(b *testing.B) {
			i := 0
			for b.Loop() {
				f := sc.f
				f.Search = d.prefixes[i%len(d.prefixes)]
				i++
				if _, err := sc.l.ListContacts(b.Context(), store.PageRequest{Limit: 50, Brief: true, Filter: f}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
