package pipeline

import (
	"context"
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
	"github.com/leadmail/leadmail/tui/internal/tuitest"
)

func (m *Model) update(msg tea.Msg) tea.Cmd {
	_, cmd := m.Update(msg)
	return cmd
}

func (m *Model) press(t *testing.T, keys ...string) {
	t.Helper()
	for _, k := range keys {
		tuitest.Pump(t, m.update, m.update(tuitest.Key(k)), nil)
	}
}

func (m *Model) typeText(t *testing.T, s string) {
	t.Helper()
	for _, k := range tuitest.Type(s) {
		tuitest.Pump(t, m.update, m.update(k), nil)
	}
}

func screen(t *testing.T, w *tuitest.World, width, height int) *Model {
	t.Helper()
	m := New(tuitest.Common(t), w.DB, Options{Me: w.User})
	m.SetSize(width, height)
	tuitest.Pump(t, m.update, m.Init(), nil)
	if m.state != stateReady {
		t.Fatalf("the pipeline did not load: %s", m.errText)
	}
	return m
}

// stage is the stage of w's pipeline named name.
func stage(t *testing.T, w *tuitest.World, name string) store.Stage {
	t.Helper()
	s, err := w.DB.StageByName(t.Context(), name)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// deal creates an opportunity of w's user on one of the bulk contacts.
func deal(t *testing.T, w *tuitest.World, name, stageName string, minor int64, cur string, closeIn int) store.Opportunity {
	t.Helper()
	o := store.Opportunity{Name: name, Value: store.Money{Minor: minor, Currency: cur},
		StageID: stage(t, w, stageName).ID, PrimaryContactID: w.Ada.ID}
	if closeIn >= 0 {
		o.CloseDate = tuitest.Now.AddDate(0, 0, closeIn)
	}
	if err := w.DB.CreateOpportunity(t.Context(), &o, w.User.ID); err != nil {
		t.Fatal(err)
	}
	return o
}

func get(t *testing.T, w *tuitest.World, id int64) store.Opportunity {
	t.Helper()
	o, err := w.DB.GetOpportunity(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func names(os []store.Opportunity) []string {
	out := make([]string, len(os))
	for i, o := range os {
		out[i] = o.Name
	}
	return out
}

func TestPagingAColumnWithManyCards(t *testing.T) {
	w := tuitest.NewWorld(t)
	for i := range 20 {
		deal(t, w, fmt.Sprintf("Deal %02d", i), "qualification", 100_00, "EUR", i)
	}
	m := screen(t, w, 120, 40)
	per := m.perColumn()
	if per >= 20 {
		t.Fatalf("a column shows %d cards: the test needs pages", per)
	}
	_, first := m.Column(0)
	if len(first) != per || first[0].Name != "Deal 00" {
		t.Fatalf("first page = %v", names(first))
	}
	if !strings.Contains(tuitest.Strip(m.View()), fmt.Sprintf("1–%d of 20 ↓", per)) {
		t.Errorf("the column does not say where it is:\n%s", tuitest.Strip(m.View()))
	}
	// Down past the last card reads the next page by keyset.
	for range per {
		m.press(t, "down")
	}
	_, second := m.Column(0)
	if second[0].Name != fmt.Sprintf("Deal %02d", per) {
		t.Fatalf("second page = %v", names(second))
	}
	if o, _ := m.Selected(); o.Name != second[0].Name {
		t.Errorf("highlight on %q, want the first card of the page", o.Name)
	}
	if !strings.Contains(tuitest.Strip(m.View()), fmt.Sprintf("%d–%d of 20 ↑↓", per+1, 2*per)) {
		t.Errorf("the second page does not say where it is:\n%s", tuitest.Strip(m.View()))
	}
	// Up past the first card reads the page before, highlighting its last.
	m.press(t, "up")
	_, back := m.Column(0)
	if fmt.Sprint(names(back)) != fmt.Sprint(names(first)) {
		t.Fatalf("back = %v, want %v", names(back), names(first))
	}
	if o, _ := m.Selected(); o.Name != first[per-1].Name {
		t.Errorf("highlight on %q, want %q", o.Name, first[per-1].Name)
	}
	// Page by page to the end: every card once, in order.
	m.press(t, "home")
	var seen []string
	for range 10 {
		_, cards := m.Column(0)
		seen = append(seen, names(cards)...)
		if !m.cols[0].page.HasNext {
			break
		}
		m.press(t, "pgdown")
	}
	if len(seen) != 20 || seen[19] != "Deal 19" {
		t.Errorf("paging saw %v", seen)
	}
}

func TestMovingACardChangesTheStoreAndTheTotals(t *testing.T) {
	w := tuitest.NewWorld(t)
	o := deal(t, w, "Analytical upgrade", "qualification", 12_000_00, "EUR", 10)
	deal(t, w, "Second deal", "qualification", 1_000_00, "USD", 20)
	m := screen(t, w, 120, 40)
	if got := m.Totals()[0]; got.Count != 2 || got.Total["EUR"] != 12_000_00 || got.Total["USD"] != 1_000_00 {
		t.Fatalf("qualification totals = %+v", got)
	}
	m.press(t, "]")
	if got := get(t, w, o.ID); got.Stage.Name != "needs analysis" {
		t.Fatalf("after ] the deal is in %q", got.Stage.Name)
	}
	if m.Totals()[0].Count != 1 || m.Totals()[1].Count != 1 || m.Totals()[1].Weighted["EUR"] != 3_000_00 {
		t.Errorf("totals after the move = %+v / %+v", m.Totals()[0], m.Totals()[1])
	}
	_, q := m.Column(0)
	_, na := m.Column(1)
	if fmt.Sprint(names(q)) != "[Second deal]" || fmt.Sprint(names(na)) != "[Analytical upgrade]" {
		t.Errorf("columns after the move: %v, %v", names(q), names(na))
	}
	intents := m.Intents()
	var said, told bool
	for _, in := range intents {
		switch in := in.(type) {
		case common.StatusMsg:
			said = in.Text == "Moved Analytical upgrade: qualification → needs analysis"
		case common.OpportunityChangedMsg:
			told = in.OpportunityID == o.ID
		}
	}
	if !said || !told {
		t.Errorf("intents after the move: %#v", intents)
	}
	// The highlight went with the card, so [ brings it back; the totals
	// follow.
	if sel, _ := m.Selected(); m.focus != 1 || sel.ID != o.ID {
		t.Fatalf("after ] the highlight is on %q in column %d", sel.Name, m.focus)
	}
	m.press(t, "[")
	if got := get(t, w, o.ID); got.Stage.Name != "qualification" {
		t.Fatalf("after [ the deal is in %q", got.Stage.Name)
	}
	if m.Totals()[0].Count != 2 {
		t.Errorf("totals after moving back = %+v", m.Totals()[0])
	}
	// [ on the first stage is disabled: nothing before qualification.
	if sel, _ := m.Selected(); m.focus != 0 || sel.ID != o.ID || m.keys.Prev.Enabled() {
		t.Errorf("back in qualification on %q, column %d, [ offered %v", sel.Name, m.focus, m.keys.Prev.Enabled())
	}
}

// broadcasting is m.update as the root runs it: an OpportunityChangedMsg
// the screen posts comes straight back to it, before the reads it asked
// for have answered.
func (m *Model) broadcasting(msg tea.Msg) tea.Cmd {
	cmd := m.update(msg)
	for _, in := range m.Intents() {
		if in, ok := in.(common.OpportunityChangedMsg); ok {
			cmd = tea.Batch(cmd, m.update(in))
		}
	}
	return cmd
}

// TestAMovedCardKeepsTheHighlight: ] ] walks one deal through two stages,
// even into a column longer than a page, where the page that holds it is
// read and says where it is.
func TestAMovedCardKeepsTheHighlight(t *testing.T) {
	w := tuitest.NewWorld(t)
	walker := deal(t, w, "Walker", "qualification", 9_000_00, "EUR", 40)
	stays := deal(t, w, "Stays", "qualification", 1_000_00, "EUR", 41)
	m := screen(t, w, 120, 40)
	per := m.perColumn()
	// A proposal column of 2 pages and more, closing before Walker.
	for i := range 2*per + 3 {
		deal(t, w, fmt.Sprintf("Proposal %02d", i), "proposal", 100_00, "EUR", i)
	}
	tuitest.Pump(t, m.update, m.refresh(), nil)
	press := func(k string) {
		t.Helper()
		tuitest.Pump(t, m.broadcasting, m.broadcasting(tuitest.Key(k)), nil)
	}
	if sel, _ := m.Selected(); sel.ID != walker.ID {
		t.Fatalf("the pipeline opens on %q", sel.Name)
	}
	press("]")
	press("]")
	if got := get(t, w, walker.ID); got.Stage.Name != "proposal" {
		t.Fatalf("after ] ] Walker is in %q", got.Stage.Name)
	}
	if got := get(t, w, stays.ID); got.Stage.Name != "qualification" {
		t.Errorf("] ] moved Stays to %q", got.Stage.Name)
	}
	if sel, _ := m.Selected(); m.focus != 2 || sel.ID != walker.ID {
		t.Fatalf("after ] ] the highlight is on %q in column %d", sel.Name, m.focus)
	}
	// Walker closes last of 2·per+4 cards: the page starting at it.
	n := 2*per + 4
	if !strings.Contains(tuitest.Strip(m.View()), fmt.Sprintf("%d–%d of %d ↑", n, n, n)) {
		t.Errorf("the column does not say where Walker is:\n%s", tuitest.Strip(m.View()))
	}
	// Up from there reads the page before, in order.
	press("up")
	if _, cards := m.Column(2); len(cards) != per || cards[per-1].Name != fmt.Sprintf("Proposal %02d", n-2) {
		t.Errorf("the page before Walker = %v", names(cards))
	}
}

func TestWonAndLostAskingTheReason(t *testing.T) {
	w := tuitest.NewWorld(t)
	a := deal(t, w, "Alpha", "proposal", 5_000_00, "EUR", 1)
	b := deal(t, w, "Beta", "proposal", 7_000_00, "EUR", 2)
	m := screen(t, w, 120, 40) // the first stage holding a deal has the focus
	if o, _ := m.Selected(); o.ID != a.ID {
		t.Fatalf("on %q", o.Name)
	}
	m.press(t, "w")
	if got := get(t, w, a.ID); got.State != store.OutcomeWon {
		t.Fatalf("after w the deal is %q", got.State)
	}
	if won, total, _ := m.sum(store.OutcomeWon); won != 1 || total["EUR"] != 5_000_00 {
		t.Errorf("won totals = %d %v", won, total)
	}
	if !strings.Contains(tuitest.Strip(m.View()), "won 1 €5,000") {
		t.Errorf("the header does not sum the won deal:\n%s", tuitest.Strip(m.View()))
	}
	// l asks why; enter without a reason writes nothing.
	before := get(t, w, b.ID)
	m.press(t, "l")
	if !m.Capturing() || !strings.Contains(tuitest.Strip(m.View()), "why was it lost?") {
		t.Fatalf("l did not ask:\n%s", tuitest.Strip(m.View()))
	}
	m.press(t, "enter")
	if after := get(t, w, b.ID); after.State != store.OutcomeOpen || after.Version != before.Version {
		t.Fatalf("an empty reason changed the deal: %+v", after)
	}
	if !strings.Contains(tuitest.Strip(m.View()), "Type the reason") {
		t.Errorf("the refusal is not said:\n%s", tuitest.Strip(m.View()))
	}
	// esc leaves it as it was.
	m.press(t, "esc")
	if m.Capturing() || get(t, w, b.ID).Version != before.Version {
		t.Fatal("esc did not leave the deal alone")
	}
	m.press(t, "l")
	m.typeText(t, "went with a competitor")
	m.press(t, "enter")
	got := get(t, w, b.ID)
	if got.State != store.OutcomeLost || got.LostReason != "went with a competitor" {
		t.Fatalf("after l the deal is %q (%q)", got.State, got.LostReason)
	}
	if _, cards := m.Column(2); len(cards) != 0 {
		t.Errorf("the proposal column still shows %v", names(cards))
	}
}

func TestFiltersMineOwnerAndClosingThisMonth(t *testing.T) {
	w := tuitest.NewWorld(t)
	other, err := w.DB.UpsertUser(t.Context(), store.User{Name: "Olga Other", Email: "olga@acme.test", Role: store.RoleSalesperson})
	if err != nil {
		t.Fatal(err)
	}
	deal(t, w, "Mine soon", "qualification", 100_00, "EUR", 2)   // 28 Nov: this month
	deal(t, w, "Mine later", "qualification", 100_00, "EUR", 40) // January
	theirs := store.Opportunity{Name: "Theirs", Value: store.Money{Minor: 100_00, Currency: "EUR"},
		PrimaryContactID: w.Ada.ID, OwnerID: other.ID}
	if err := w.DB.CreateOpportunity(t.Context(), &theirs, w.User.ID); err != nil {
		t.Fatal(err)
	}
	m := screen(t, w, 120, 40)
	col := func() string { _, c := m.Column(0); return fmt.Sprint(names(c)) }
	if col() != "[Mine soon Mine later]" {
		t.Fatalf("mine = %s", col())
	}
	m.press(t, "M")
	if col() != "[Mine soon Mine later Theirs]" || !strings.Contains(tuitest.Strip(m.View()), "everyone's deals") {
		t.Fatalf("everyone's = %s", col())
	}
	m.press(t, "f")
	if col() != "[Mine soon]" || !strings.Contains(tuitest.Strip(m.View()), "closing in November") {
		t.Fatalf("closing this month = %s\n%s", col(), tuitest.Strip(m.View()))
	}
	m.press(t, "f")
	for m.filter.owner != other.ID {
		m.press(t, "o")
	}
	if col() != "[Theirs]" || !strings.Contains(tuitest.Strip(m.View()), "Olga Other's deals") {
		t.Fatalf("Olga's = %s", col())
	}
	if n, _, _ := m.sum(store.OutcomeOpen); n != 1 {
		t.Errorf("the header counts %d open deals for Olga", n)
	}
}

func TestGoldens(t *testing.T) {
	w := tuitest.NewWorld(t)
	deal(t, w, "Analytical upgrade", "qualification", 12_000_00, "EUR", 10)
	deal(t, w, "Engine pilot", "qualification", 4_500_00, "USD", -1)
	deal(t, w, "Difference engine", "proposal", 90_000_00, "GBP", 30)
	deal(t, w, "Support plan", "negotiation", 9_000_00, "CHF", 3)
	for _, size := range []struct{ w, h int }{{120, 40}, {80, 24}} {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			m := screen(t, w, size.w, size.h)
			m.press(t, "right", "right", "right")
			tuitest.Golden(t, m.View())
		})
	}
}

// hostileStore hands back rows as another writer (an older version, an
// import, a second backend) might have left them, control characters and
// all.
type hostileStore struct{ *store.DB }

const hostile = "Evil\x1b[31m red\x07 deal\x1b]0;owned\x07"

func (h hostileStore) ListOpportunities(ctx context.Context, q store.OpportunityQuery) (store.OpportunityPage, error) {
	p, err := h.DB.ListOpportunities(ctx, q)
	for i := range p.Opportunities {
		o := &p.Opportunities[i]
		o.Name, o.Company, o.OwnerName = hostile, hostile, hostile
	}
	return p, err
}

func (h hostileStore) Stages(ctx context.Context) ([]store.Stage, error) {
	ss, err := h.DB.Stages(ctx)
	for i := range ss {
		ss[i].Name = hostile
	}
	return ss, err
}

func TestHostileNamesNeverReachTheTerminalRaw(t *testing.T) {
	w := tuitest.NewWorld(t)
	deal(t, w, "Plain", "qualification", 100_00, "EUR", 1)
	m := New(tuitest.Common(t), hostileStore{w.DB}, Options{Me: w.User})
	m.SetSize(120, 40)
	tuitest.Pump(t, m.update, m.Init(), nil)
	v := m.View()
	for _, bad := range []string{"\x07", "\x1b[31m red", "\x1b]0;"} {
		if strings.Contains(v, bad) {
			t.Errorf("the view holds %q raw", bad)
		}
	}
	if !strings.Contains(tuitest.Strip(v), "Evil") {
		t.Errorf("the deal is not shown:\n%s", tuitest.Strip(v))
	}
}

func TestEnterOpensAndNewStartsInTheColumn(t *testing.T) {
	w := tuitest.NewWorld(t)
	o := deal(t, w, "Alpha", "needs analysis", 100_00, "EUR", 1)
	m := screen(t, w, 120, 40)
	m.press(t, "enter", "n", "esc")
	got := m.Intents()
	if len(got) != 3 || got[0] != (common.OpenOpportunityMsg{OpportunityID: o.ID}) ||
		got[1] != (common.NewOpportunityMsg{StageID: o.StageID}) || got[2] != (common.BackMsg{}) {
		t.Fatalf("intents = %#v", got)
	}
}

// TestSmartMailFromACard: m on a card opens Smart Mail from the deal, for
// its primary contact, as m on the Opportunity screen does.
func TestSmartMailFromACard(t *testing.T) {
	w := tuitest.NewWorld(t)
	o := deal(t, w, "Analytical upgrade", "proposal", 12_000_00, "EUR", 10)
	m := screen(t, w, 120, 40)
	if !m.keys.Mail.Enabled() {
		t.Fatal("m is not offered on a card")
	}
	m.press(t, "m")
	var open common.OpenPickerMsg
	for _, in := range m.Intents() {
		if in, ok := in.(common.OpenPickerMsg); ok {
			open = in
		}
	}
	if open.OpportunityID != o.ID || open.Contact.ID != w.Ada.ID || open.Contact.Email != w.Ada.Email {
		t.Errorf("m asked for %+v, want the picker for %s from deal %d", open, w.Ada.Email, o.ID)
	}
}
