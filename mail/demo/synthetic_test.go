package demo

import (
	"context"
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/leadmail/leadmail/store"
)

func TestSynthetic(t *testing.T) {
	db, _ := openDB(t)
	ctx := t.Context()
	owners := make([]store.User, 2)
	for i, email := range []string{"one@brightwave.example", "two@brightwave.example"} {
		u, err := db.UpsertUser(ctx, store.User{Name: "Owner", Email: email, Role: store.RoleSalesperson})
		if err != nil {
			t.Fatal(err)
		}
		owners[i] = u
	}
	// Three batches of 100, the last one partial.
	const n = 250
	var progress []int
	if err := synthetic(ctx, db, n, owners, rand.New(rand.NewPCG(1, 2)), 100,
		func(done int) { progress = append(progress, done) }); err != nil {
		t.Fatal(err)
	}
	if want := []int{100, 200, 250}; !slices.Equal(progress, want) {
		t.Errorf("progress %v, want %v", progress, want)
	}
	if got, err := db.CountContacts(ctx, store.ContactFilter{}); err != nil || got != n {
		t.Errorf("CountContacts = %d, %v; want %d", got, err, n)
	}
	owned := 0
	for _, o := range owners {
		got, err := db.CountContacts(ctx, store.ContactFilter{OwnerID: o.ID})
		if err != nil || got == 0 {
			t.Errorf("owner %d has %d contacts (%v), want some", o.ID, got, err)
		}
		owned += got
	}
	if owned != n {
		t.Errorf("%d contacts owned, want all %d", owned, n)
	}
	if err := Synthetic(ctx, db, 0, nil, nil); err != nil {
		t.Errorf("Synthetic of 0 = %v", err)
	}
	page, err := db.ListContacts(ctx, store.PageRequest{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	statuses := map[store.Status]bool{}
	for _, c := range page.Contacts {
		statuses[c.Status] = true
		if c.FirstName == "" || c.LastName == "" || c.Company == "" || !strings.HasSuffix(c.Email, ".example") {
			t.Errorf("synthetic contact %+v lacks a name, company or reserved address", c)
		}
	}
	if len(statuses) != 5 {
		t.Errorf("statuses %v, want all five", statuses)
	}
}

func TestSyntheticDefaultBatch(t *testing.T) {
	db, _ := openDB(t)
	// Fewer rows than one batch, no owners, the default random source.
	if err := Synthetic(t.Context(), db, 37, nil, nil); err != nil {
		t.Fatal(err)
	}
	if got, err := db.CountContacts(t.Context(), store.ContactFilter{}); err != nil || got != 37 {
		t.Errorf("CountContacts = %d, %v; want 37", got, err)
	}
}

func BenchmarkSynthetic(b *testing.B) {
	db, err := store.Open(b.Context(), b.TempDir()+"/bench.db", store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		if err := db.Close(); err != nil {
			b.Error(err)
		}
	})
	rnd := rand.New(rand.NewPCG(1, 2))
	for b.Loop() {
		if err := Synthetic(b.Context(), db, SyntheticBatch, nil, rnd); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*SyntheticBatch)/b.Elapsed().Seconds(), "rows/s")
}

func TestSyntheticInterruptedWritesNothing(t *testing.T) {
	db, _ := openDB(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	// Cancelled after the second of three batches: all in one transaction,
	// so nothing stays.
	err := synthetic(ctx, db, 250, nil, rand.New(rand.NewPCG(1, 2)), 100, func(done int) {
		if done == 200 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if got, err := db.CountContacts(t.Context(), store.ContactFilter{}); err != nil || got != 0 {
		t.Errorf("CountContacts = %d, %v; want 0 after an interrupted seed", got, err)
	}
}
