package tuitest

import (
	"context"
	"testing"

	"github.com/leadmail/leadmail/store"
)

// AddDeal gives Ada an opportunity of the world's user named name, worth
// €12,000, in the pipeline's first stage.
func (w *World) AddDeal(t testing.TB, name string) store.Opportunity {
	t.Helper()
	o := store.Opportunity{Name: name, Value: store.Money{Minor: 12_000_00, Currency: "EUR"},
		PrimaryContactID: w.Ada.ID}
	if err := w.DB.CreateOpportunity(context.Background(), &o, w.User.ID); err != nil {
		t.Fatal(err)
	}
	return o
}
