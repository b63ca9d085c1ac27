package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/store/scope"
	"github.com/leadmail/leadmail/tui/internal/tuitest"
)

// demoAs opens the demo's root model on w as user u, through the store
// scoped to u, as cmd/leadmail's runDemo does after a switch; the choice
// made in the team chooser lands in *chosen.
func demoAs(t *testing.T, w *tuitest.World, u store.User, team []store.User, chosen *store.User, width, height int) *app {
	t.Helper()
	tr := &tuitest.Transport{}
	ob := w.Mailer(t, tr)
	wk := w.NewWorker(ob)
	st := scope.For(w.DB, u)
	opts := Options{Store: st, Mailer: st.NewMailer(ob), Worker: wk, UserName: u.Name, Sender: u,
		Demo: true, Team: team, SwitchUser: func(next store.User) { *chosen = next },
		Now: w.Clock.Now, Context: t.Context(), StatusTTL: time.Millisecond, CountdownTick: time.Millisecond,
		OverdueEvery: -1}
	a := &app{Model: New(opts), tr: tr, w: w, ob: ob, wk: wk}
	a.pump(t, a.Init())
	a.pump(t, a.update(tea.WindowSizeMsg{Width: width, Height: height}))
	return a
}

// juniorWorld is the test world with a Jr. Salesperson who owns two of
// its people.
func juniorWorld(t *testing.T) (*tuitest.World, store.User, []store.Contact) {
	t.Helper()
	ctx := context.Background()
	w := tuitest.NewWorld(t)
	jr, err := w.DB.UpsertUser(ctx, store.User{Name: "Jo Junior", Email: "jo@acme.test", Role: store.RoleJrSalesperson})
	if err != nil {
		t.Fatal(err)
	}
	var his []store.Contact
	for _, c := range w.Bulk[:2] {
		c, err := w.DB.ContactByEmail(ctx, c.Email)
		if err != nil {
			t.Fatal(err)
		}
		if c, err = w.DB.UpdateContact(ctx, c.ID, c.Version, store.ContactChanges{OwnerID: &jr.ID}); err != nil {
			t.Fatal(err)
		}
		his = append(his, c)
	}
	return w, jr, his
}

func TestSwitchUserReopensAsTheJrSalesperson(t *testing.T) {
	for _, size := range []struct{ w, h int }{{120, 40}, {80, 24}} {
		w, jr, his := juniorWorld(t)
		team := []store.User{w.User, jr}
		var chosen store.User
		a := demoAs(t, w, w.User, team, &chosen, size.w, size.h)
		if head := tuitest.Strip(a.headerView()); !strings.Contains(head, "Sam Seller · Salesperson") {
			t.Fatalf("%dx%d: the header does not say who you are and your role: %q", size.w, size.h, head)
		}
		if !strings.Contains(a.view(), " of 62") {
			t.Fatalf("%dx%d: a Salesperson sees all 62 people:\n%s", size.w, size.h, a.view())
		}

		a.press(t, "U")
		v := a.view()
		for _, want := range []string{"Switch user", "1  Sam Seller", "Salesperson (you)", "2  Jo Junior", "Jr. Salesperson",
			"enter/1-9 be them"} {
			if !strings.Contains(v, want) {
				t.Errorf("%dx%d: the team chooser lacks %q:\n%s", size.w, size.h, want, v)
			}
		}
		if n := strings.Count(v, "\n") + 1; n != size.h {
			t.Errorf("%dx%d: the chooser's screen has %d lines", size.w, size.h, n)
		}
		a.press(t, "esc")
		if a.switchUser.open || len(a.modals) != 0 || chosen.ID != 0 {
			t.Fatalf("%dx%d: esc left the chooser open (%v) or chose %q", size.w, size.h, a.switchUser.open, chosen.Name)
		}

		// Choosing yourself changes nothing.
		a.press(t, "U", "1")
		if chosen.ID != 0 || !strings.Contains(a.StatusText(), "You are Sam Seller already") {
			t.Errorf("%dx%d: choosing yourself chose %q, status %q", size.w, size.h, chosen.Name, a.StatusText())
		}

		// ↓ enter chooses the next member and quits for the demo to reopen.
		a.press(t, "U", "down")
		if cmd := a.update(tuitest.Key("enter")); !quits(t, cmd) {
			t.Errorf("%dx%d: choosing Jo did not quit for the demo to reopen", size.w, size.h)
		}
		if chosen.ID != jr.ID {
			t.Fatalf("%dx%d: chose %+v, want Jo Junior", size.w, size.h, chosen)
		}

		b := demoAs(t, w, chosen, team, &chosen, size.w, size.h)
		if head := tuitest.Strip(b.headerView()); !strings.Contains(head, "Jo Junior · Jr. Salesperson") {
			t.Errorf("%dx%d: after the switch the header says %q", size.w, size.h, head)
		}
		v = b.view()
		for _, c := range his {
			if !strings.Contains(v, c.Name()) {
				t.Errorf("%dx%d: Jo's contact %s is not on his Contacts:\n%s", size.w, size.h, c.Name(), v)
			}
		}
		if strings.Contains(v, "Sam Seller") || !strings.Contains(v, " of 2") {
			t.Errorf("%dx%d: a Jr. Salesperson sees someone else's people, or not 2 rows:\n%s", size.w, size.h, v)
		}
	}
}

func TestSwitchUserOnlyInTheDemoWithATeam(t *testing.T) {
	w, jr, _ := juniorWorld(t)
	var chosen store.User
	a := demoAs(t, w, w.User, []store.User{w.User, jr}, &chosen, 120, 40)
	a.opts.Demo = false
	a.updateKeys()
	a.press(t, "U")
	if a.switchUser.open || len(a.modals) != 0 {
		t.Error("U offered the team outside the demo")
	}
	if head := tuitest.Strip(a.headerView()); strings.Contains(head, "Salesperson") {
		t.Errorf("outside the demo the header names no role: %q", head)
	}
	a.opts.Demo, a.opts.Team = true, []store.User{w.User}
	a.updateKeys()
	a.press(t, "U")
	if a.switchUser.open {
		t.Error("U offered a team of one")
	}
}
