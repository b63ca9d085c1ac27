package picker

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
	"github.com/leadmail/leadmail/tui/internal/tuitest"
)

// harness is a picker on the real outbox; it records the Quick Send
// results that would go up to the root.
type harness struct {
	*Model
	queued []common.QueuedMsg
}

func open(t *testing.T, w *tuitest.World, c store.Contact, width, height int) *harness {
	t.Helper()
	h := &harness{Model: New(tuitest.Common(t), w.DB, w.Mailer(t, &tuitest.Transport{}), c)}
	h.SetSize(width, height)
	tuitest.Pump(t, h.update, h.Init(), nil)
	return h
}

func (h *harness) update(msg tea.Msg) tea.Cmd {
	if q, ok := msg.(common.QueuedMsg); ok {
		h.queued = append(h.queued, q)
	}
	_, cmd := h.Update(msg)
	return cmd
}

func (h *harness) press(t *testing.T, keys ...string) {
	t.Helper()
	for _, k := range keys {
		tuitest.Pump(t, h.update, h.update(tuitest.Key(k)), nil)
	}
}

func (h *harness) visibleNames() []string {
	var out []string
	for _, i := range h.visible {
		out = append(out, h.emails[i].Name)
	}
	return out
}

func TestPickerGolden(t *testing.T) {
	w := tuitest.NewWorld(t)
	for _, size := range []struct{ w, h int }{{120, 40}, {80, 24}} {
		t.Run(fmt.Sprintf("received_%dx%d", size.w, size.h), func(t *testing.T) {
			h := open(t, w, w.Ada, size.w, size.h)
			tuitest.Golden(t, h.View())
		})
		t.Run(fmt.Sprintf("missing_%dx%d", size.w, size.h), func(t *testing.T) {
			h := open(t, w, w.Bulk[0], size.w, size.h)
			h.press(t, "down") // the Industry note: no custom.industry
			tuitest.Golden(t, h.View())
		})
	}
}

func TestOnlySmartMailWithReceivedMark(t *testing.T) {
	w := tuitest.NewWorld(t)
	h := open(t, w, w.Ada, 120, 40)
	if got := h.visibleNames(); !slices.Equal(got, []string{"Follow-up after demo", "Industry note", "Intro to leadmail"}) {
		t.Fatalf("templates = %v (by name; the newsletter is not a Smart Mail)", got)
	}
	view := tuitest.Strip(h.View())
	if !strings.Contains(view, "✓ sent 23 Nov 2026") {
		t.Errorf("no received mark on the Intro:\n%s", view)
	}
	if strings.Count(view, "✓ sent ") != 1 {
		t.Errorf("received mark on more than the Intro:\n%s", view)
	}
}

func TestPreviewFollowsTheHighlight(t *testing.T) {
	w := tuitest.NewWorld(t)
	h := open(t, w, w.Ada, 120, 40)
	if h.previewData.Subject != "Following up, Ada" {
		t.Fatalf("first preview subject = %q", h.previewData.Subject)
	}
	// Move twice, and answer the first move's preview late: it is dropped.
	first := h.update(tuitest.Key("down"))
	second := h.update(tuitest.Key("down"))
	tuitest.Pump(t, h.update, second, nil)
	if h.previewData.Email.ID != w.Intro.ID {
		t.Fatalf("preview is of %q, want the Intro", h.previewData.Email.Name)
	}
	tuitest.Pump(t, h.update, first, nil)
	if h.previewData.Email.ID != w.Intro.ID {
		t.Errorf("a stale preview (%q) replaced the current one", h.previewData.Email.Name)
	}
	if !strings.Contains(tuitest.Strip(h.View()), "I noticed Analytical Engines is growing.") {
		t.Errorf("preview not rendered for Ada:\n%s", tuitest.Strip(h.View()))
	}
}

func TestFilterAndTags(t *testing.T) {
	w := tuitest.NewWorld(t)
	h := open(t, w, w.Ada, 120, 40)
	if !slices.Equal(h.tags, []string{"cold", "follow-up", "industry", "intro"}) {
		t.Fatalf("tags = %v", h.tags)
	}
	h.press(t, "t")
	if got := h.visibleNames(); !slices.Equal(got, []string{"Intro to leadmail"}) {
		t.Errorf("#cold = %v", got)
	}
	h.press(t, "t", "t", "t")
	if got := h.visibleNames(); !slices.Equal(got, []string{"Industry note", "Intro to leadmail"}) {
		t.Errorf("#intro = %v", got)
	}
	h.press(t, "t")
	if len(h.visible) != 3 {
		t.Errorf("t past the last tag should show all, got %v", h.visibleNames())
	}

	h.press(t, "/")
	if !h.Capturing() {
		t.Fatal("/ did not focus the filter")
	}
	for _, k := range tuitest.Type("demo") {
		tuitest.Pump(t, h.update, h.update(k), nil)
	}
	if got := h.visibleNames(); !slices.Equal(got, []string{"Follow-up after demo"}) {
		t.Errorf("filter demo = %v", got)
	}
	if h.previewData.Email.ID != w.FollowUp.ID {
		t.Errorf("preview did not follow the filter: %q", h.previewData.Email.Name)
	}
	h.press(t, "enter") // keeps the filter
	if h.Capturing() || len(h.visible) != 1 {
		t.Errorf("enter in the filter: capturing %v, %v", h.Capturing(), h.visibleNames())
	}
	if len(h.queued) != 0 {
		t.Fatal("enter in the filter input sent mail")
	}
	h.press(t, "esc") // clears the filter before going back
	if len(h.visible) != 3 || len(h.Intents()) != 0 {
		t.Errorf("esc: %v, intents %v", h.visibleNames(), h.Intents())
	}
	h.press(t, "esc")
	if got := h.Intents(); len(got) != 1 || got[0] != (common.BackMsg{}) {
		t.Errorf("second esc posted %v", got)
	}
}

func TestEnterBeforeTheListLoadsSendsTheFirst(t *testing.T) {
	w := tuitest.NewWorld(t)
	h := &harness{Model: New(tuitest.Common(t), w.DB, w.Mailer(t, &tuitest.Transport{}), w.Ada)}
	h.SetSize(120, 40)
	load := h.Init()
	if cmd := h.update(tuitest.Key("enter")); cmd != nil {
		t.Fatal("enter before the list started something on its own")
	}
	if !strings.Contains(tuitest.Strip(h.View()), "Quick Send of the first template follows") {
		t.Errorf("the pending send is not shown:\n%s", tuitest.Strip(h.View()))
	}
	tuitest.Pump(t, h.update, load, nil)
	if len(h.queued) != 1 || h.queued[0].Err != nil {
		t.Fatalf("queued = %+v", h.queued)
	}
	q := h.queued[0]
	leaves := tuitest.Now.Add(tuitest.UndoWindow)
	if q.Mode != common.SendNow || q.Email.ID != w.FollowUp.ID || q.Message.Subject != "Following up, Ada" || !q.Message.SendAt.Equal(leaves) {
		t.Errorf("queued %q as %q in mode %v, leaving at %v", q.Email.Name, q.Message.Subject, q.Mode, q.Message.SendAt)
	}
	// Queued (the user asked for it now), held back by its undo window.
	got, err := w.DB.GetMessage(t.Context(), q.Message.ID)
	if err != nil || got.Status != store.MessageQueued || !got.SendAt.Equal(leaves) {
		t.Errorf("in the database: %s at %v, %v", got.Status, got.SendAt, err)
	}
}

func TestQuickSendRefusals(t *testing.T) {
	w := tuitest.NewWorld(t)
	t.Run("no email", func(t *testing.T) {
		h := open(t, w, w.NoEmail, 120, 40)
		h.press(t, "enter")
		var refusal *outbox.RefusalError
		if len(h.queued) != 1 || !errors.As(h.queued[0].Err, &refusal) {
			t.Fatalf("queued = %+v", h.queued)
		}
		if !strings.Contains(refusal.Error(), "no email address") {
			t.Errorf("refusal = %q", refusal.Error())
		}
		if h.send != sendIdle || !h.keys.QuickSend.Enabled() {
			t.Error("the picker did not come back after the refusal")
		}
	})
	t.Run("missing variable", func(t *testing.T) {
		h := open(t, w, w.Bulk[0], 120, 40)
		h.press(t, "down", "enter") // the Industry note
		var missing *outbox.MissingVarsError
		if len(h.queued) != 1 || !errors.As(h.queued[0].Err, &missing) {
			t.Fatalf("queued = %+v", h.queued)
		}
		if !slices.Equal(missing.Names, []string{"custom.industry"}) {
			t.Errorf("missing = %v", missing.Names)
		}
	})
}

func TestPersonalizeOpensForTheHighlight(t *testing.T) {
	w := tuitest.NewWorld(t)
	h := open(t, w, w.Ada, 120, 40)
	if !h.keys.Personalize.Enabled() {
		t.Fatal("p is disabled with a template highlighted")
	}
	h.press(t, "down")
	h.press(t, "p")
	got := h.Intents()
	want := common.OpenPersonalizeMsg{Contact: w.Ada, EmailID: w.Industry.ID}
	if len(got) != 1 || !reflect.DeepEqual(got[0], want) {
		t.Errorf("intents = %+v, want %+v", got, want)
	}
	if len(h.queued) != 0 {
		t.Error("p queued a message")
	}

	h.press(t, "/")
	if h.keys.Personalize.Enabled() {
		t.Error("p is enabled while the filter has focus")
	}
	for _, group := range h.FullHelp() {
		for _, b := range group {
			if b.Enabled() && key.Matches(tuitest.Key("p"), b) {
				t.Error("help offers p while typing")
			}
		}
	}
}

func (h *harness) typeText(t *testing.T, s string) {
	t.Helper()
	for _, k := range tuitest.Type(s) {
		tuitest.Pump(t, h.update, h.update(k), nil)
	}
}

// TestBriefContactIsReadWhole: the Contacts screen hands on a brief table
// row; the picker reads the contact whole, so what it passes on (to
// Personalize, in QueuedMsg) has the custom fields and the phone.
func TestBriefContactIsReadWhole(t *testing.T) {
	w := tuitest.NewWorld(t)
	p, err := w.DB.ListContacts(t.Context(), store.PageRequest{Brief: true,
		Filter: store.ContactFilter{Search: "lovelace"}})
	if err != nil || len(p.Contacts) != 1 || p.Contacts[0].Custom != nil {
		t.Fatalf("brief row for Ada: %+v, %v", p.Contacts, err)
	}
	h := open(t, w, p.Contacts[0], 120, 40)
	if h.contact.Custom["industry"] != "computing" || h.contact.Phone != w.Ada.Phone {
		t.Fatalf("picker holds %+v, want Ada whole", h.contact)
	}
	h.press(t, "p")
	in := h.Intents()
	if len(in) != 1 {
		t.Fatalf("p posted %v", in)
	}
	if o, ok := in[0].(common.OpenPersonalizeMsg); !ok || o.Contact.Custom["industry"] != "computing" {
		t.Errorf("p posted %#v, want Personalize for Ada whole", in[0])
	}
}

func TestTrust17PickerSaysWhatIsNotShown(t *testing.T) {
	w := tuitest.NewWorld(t)
	h := open(t, w, w.Ada, 80, 24)
	if n := h.itemsShown(); n >= len(h.visible) {
		t.Fatalf("all %d templates fit at 80×24; the test needs fewer rows than templates", n)
	}
	if v := tuitest.Strip(h.View()); !strings.Contains(v, "↓ 1 more") {
		t.Errorf("the list hides a template without saying so:\n%s", v)
	}
	h.press(t, "down", "down")
	if v := tuitest.Strip(h.View()); !strings.Contains(v, "↑ 1 more") || strings.Contains(v, "↓") {
		t.Errorf("at the end of the list:\n%s", v)
	}
}
