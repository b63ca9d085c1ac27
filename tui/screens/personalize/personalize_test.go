package personalize

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
	"github.com/leadmail/leadmail/tui/internal/editor"
	"github.com/leadmail/leadmail/tui/internal/tuitest"
)

// harness is Personalize on the real outbox and store; it records what
// would go up to the root.
type harness struct {
	*Model
	w       *tuitest.World
	queued  []common.QueuedMsg
	intents []tea.Msg
}

func open(t *testing.T, w *tuitest.World, mailer Mailer, opts Options, width, height int) *harness {
	t.Helper()
	opts.Debounce = time.Millisecond
	h := &harness{Model: New(tuitest.Common(t), w.DB, mailer, opts), w: w}
	h.SetSize(width, height)
	tuitest.Pump(t, h.update, h.Init(), nil)
	return h
}

func openNew(t *testing.T, w *tuitest.World, c store.Contact, e store.Email, width, height int) *harness {
	t.Helper()
	return open(t, w, w.Mailer(t, &tuitest.Transport{}), Options{Contact: c, EmailID: e.ID}, width, height)
}

func (h *harness) update(msg tea.Msg) tea.Cmd {
	if q, ok := msg.(common.QueuedMsg); ok {
		h.queued = append(h.queued, q)
	}
	_, cmd := h.Update(msg)
	h.intents = append(h.intents, h.Intents()...)
	return cmd
}

func (h *harness) press(t *testing.T, keys ...string) {
	t.Helper()
	for _, k := range keys {
		tuitest.Pump(t, h.update, h.update(keyPress(k)), nil)
	}
}

func (h *harness) typeText(t *testing.T, s string) {
	t.Helper()
	for _, k := range tuitest.Type(s) {
		tuitest.Pump(t, h.update, h.update(k), nil)
	}
}

// keyPress is tuitest.Key plus the keys only this screen uses.
func keyPress(name string) tea.KeyPressMsg {
	switch name {
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "f1":
		return tea.KeyPressMsg{Code: tea.KeyF1}
	}
	return tuitest.Key(name)
}

// focusOn tabs to field f.
func (h *harness) focusOn(t *testing.T, f field) {
	t.Helper()
	for range fieldCount {
		if h.focus == f {
			return
		}
		h.press(t, "tab")
	}
	t.Fatalf("tab never reached field %d", f)
}

func (h *harness) clearInput(t *testing.T) {
	t.Helper()
	h.press(t, "ctrl+u") // textinput: delete before the cursor
}

func (h *harness) view() string { return tuitest.Strip(h.View()) }

// addUser makes a CRM user who must never be copied.
func addUser(t *testing.T, w *tuitest.World) store.User {
	t.Helper()
	u, err := w.DB.UpsertUser(t.Context(), store.User{Name: "Mona Manager", Email: "mona@acme.test", Role: store.RoleAdministrator})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func addSignature(t *testing.T, w *tuitest.World, name, body string, def bool) store.Signature {
	t.Helper()
	s := store.Signature{UserID: w.User.ID, Name: name, Body: body, IsDefault: def}
	if err := w.DB.CreateSignature(t.Context(), &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// files writes attachments to a temporary directory.
func files(t *testing.T, names map[string]string) map[string]string {
	t.Helper()
	dir := t.TempDir()
	out := map[string]string{}
	for name, content := range names {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		out[name] = p
	}
	return out
}

var sizes = []struct{ w, h int }{{120, 40}, {80, 24}}

func TestPersonalizeGolden(t *testing.T) {
	for _, size := range sizes {
		suffix := fmt.Sprintf("%dx%d", size.w, size.h)
		t.Run("template_"+suffix, func(t *testing.T) {
			w := tuitest.NewWorld(t)
			h := openNew(t, w, w.Ada, w.Intro, size.w, size.h)
			tuitest.Golden(t, h.View())
		})
		t.Run("cc_attachments_signature_"+suffix, func(t *testing.T) {
			w := tuitest.NewWorld(t)
			addSignature(t, w, "Work", "{{user.name}}\n{{user.title}}, Acme", true)
			h := openNew(t, w, w.Ada, w.Intro, size.w, size.h)
			paths := files(t, map[string]string{"pricing.pdf": "%PDF-1.4\n" + strings.Repeat("x", 3000), "notes.txt": "hello"})
			h.focusOn(t, fieldCc)
			h.typeText(t, "Charles Babbage <charles@analytical.test>")
			h.press(t, "enter")
			h.focusOn(t, fieldAttachments)
			h.typeText(t, paths["pricing.pdf"])
			h.press(t, "enter")
			h.typeText(t, paths["notes.txt"])
			h.press(t, "enter")
			tuitest.Golden(t, h.View())
		})
		t.Run("lint_blocks_send_"+suffix, func(t *testing.T) {
			w := tuitest.NewWorld(t)
			h := openNew(t, w, w.Bulk[0], w.Industry, size.w, size.h)
			tuitest.Golden(t, h.View())
		})
		t.Run("crm_user_in_cc_"+suffix, func(t *testing.T) {
			w := tuitest.NewWorld(t)
			addUser(t, w)
			h := openNew(t, w, w.Ada, w.Intro, size.w, size.h)
			h.focusOn(t, fieldCc)
			h.typeText(t, "mona@acme.test")
			h.press(t, "enter")
			tuitest.Golden(t, h.View())
		})
		t.Run("discard_prompt_"+suffix, func(t *testing.T) {
			w := tuitest.NewWorld(t)
			h := openNew(t, w, w.Ada, w.Intro, size.w, size.h)
			h.typeText(t, " — quick question")
			h.press(t, "esc")
			tuitest.Golden(t, h.View())
		})
	}
}

func TestOpensWithTheTemplateDraft(t *testing.T) {
	w := tuitest.NewWorld(t)
	h := openNew(t, w, w.Ada, w.Intro, 120, 40)
	if h.state != stateReady {
		t.Fatalf("state = %v (%s)", h.state, h.errText)
	}
	if h.subject.Value() != w.Intro.Subject || h.body.Value() != w.Intro.Body {
		t.Errorf("subject %q, body %q: not the template's", h.subject.Value(), h.body.Value())
	}
	if h.fromEmail.Value() != "sam@acme.test" || h.fromName.Value() != "Sam Seller" {
		t.Errorf("from = %q <%q>", h.fromName.Value(), h.fromEmail.Value())
	}
	if h.focus != fieldSubject || !h.Capturing() {
		t.Errorf("focus = %v, capturing %v; want the subject", h.focus, h.Capturing())
	}
	if h.previewData.Subject != "Hello Ada" {
		t.Errorf("preview subject = %q", h.previewData.Subject)
	}
	if !h.keys.Send.Enabled() {
		reason, _ := h.blocked()
		t.Errorf("send disabled on a complete draft: %s", reason)
	}
	if h.Dirty() {
		t.Error("an untouched draft is dirty")
	}
}

func TestTabCyclesEveryField(t *testing.T) {
	w := tuitest.NewWorld(t)
	h := openNew(t, w, w.Ada, w.Intro, 120, 40)
	seen := map[field]bool{}
	for range fieldCount {
		seen[h.focus] = true
		h.press(t, "tab")
	}
	if len(seen) != int(fieldCount) || h.focus != fieldSubject {
		t.Errorf("tab visited %d fields and ended on %v", len(seen), h.focus)
	}
	h.press(t, "shift+tab")
	if h.focus != fieldBcc {
		t.Errorf("shift+tab from the subject went to %v, want BCC", h.focus)
	}
	h.focusOn(t, fieldSignature)
	if h.Capturing() {
		t.Error("the signature field captures typed text")
	}
}

func TestRecipientSearchAndChips(t *testing.T) {
	w := tuitest.NewWorld(t)
	h := openNew(t, w, w.Ada, w.Intro, 120, 40)
	h.focusOn(t, fieldTo)
	if h.keys.AddRecipient.Enabled() || h.keys.RemoveRecipient.Enabled() {
		t.Error("add/remove enabled on an empty field")
	}
	h.typeText(t, "abbott")
	r := h.recipients[0]
	if len(r.matches) != 3 {
		t.Fatalf("matches for abbott = %d, want the three Abbotts", len(r.matches))
	}
	h.press(t, "down", "enter")
	if len(r.chips) != 1 || r.chips[0].ContactID == 0 || r.chips[0].Email != w.Bulk[1].Email {
		t.Fatalf("chips = %+v, want %s", r.chips, w.Bulk[1].Email)
	}
	if r.input.Value() != "" || len(r.matches) != 0 {
		t.Errorf("input %q, matches %d after adding", r.input.Value(), len(r.matches))
	}
	if !strings.Contains(h.previewData.To, w.Bulk[1].Email) {
		t.Errorf("preview To = %q", h.previewData.To)
	}

	// A typed address, then the same again: refused inline.
	h.typeText(t, "someone@elsewhere.test")
	h.press(t, "enter")
	h.typeText(t, "someone@elsewhere.test")
	h.press(t, "enter")
	if len(r.chips) != 2 || !strings.Contains(r.err, "already a recipient") {
		t.Errorf("chips %+v, err %q", r.chips, r.err)
	}
	if _, blocked := h.blocked(); !blocked || h.keys.Send.Enabled() {
		t.Error("send enabled with an address typed but not added")
	}
	h.clearInput(t)
	h.press(t, "backspace")
	if len(r.chips) != 1 {
		t.Errorf("backspace on an empty input left %d chips, want 1", len(r.chips))
	}
	h.typeText(t, "not an address")
	h.press(t, "enter")
	if !strings.Contains(r.err, "is not an email address") || r.input.Value() != "not an address" {
		t.Errorf("err %q, input %q: a bad address must be refused and kept", r.err, r.input.Value())
	}
}

func TestCRMUserRefusedInCCAndBCC(t *testing.T) {
	for _, f := range []field{fieldCc, fieldBcc} {
		t.Run(fmt.Sprint(f), func(t *testing.T) {
			w := tuitest.NewWorld(t)
			addUser(t, w)
			h := openNew(t, w, w.Ada, w.Intro, 120, 40)
			h.focusOn(t, f)
			h.typeText(t, "mona@acme.test")
			h.press(t, "enter")
			r := h.recipients[f-fieldTo]
			if len(r.chips) != 0 {
				t.Fatalf("a CRM user was added: %+v", r.chips)
			}
			if !strings.Contains(r.err, "mona@acme.test is a leadmail user") {
				t.Errorf("err = %q", r.err)
			}
			if r.input.Value() != "mona@acme.test" {
				t.Errorf("input = %q: the typed text must stay", r.input.Value())
			}
			if !strings.Contains(h.view(), "CRM users cannot be copied") {
				t.Errorf("refusal not shown:\n%s", h.view())
			}
		})
	}
}

func TestAttachments(t *testing.T) {
	w := tuitest.NewWorld(t)
	h := openNew(t, w, w.Ada, w.Intro, 120, 40)
	paths := files(t, map[string]string{"a.txt": "a", "b.txt": "b", "c.txt": "c", "d.txt": "d", "e.txt": "e"})
	h.focusOn(t, fieldAttachments)
	h.typeText(t, filepath.Join(t.TempDir(), "missing.pdf"))
	h.press(t, "enter")
	if len(h.files) != 0 || h.attachErr == "" {
		t.Fatalf("a missing file: files %v, err %q", h.files, h.attachErr)
	}
	h.clearInput(t)
	for _, n := range []string{"a.txt", "b.txt", "c.txt", "d.txt"} {
		h.typeText(t, paths[n])
		h.press(t, "enter")
	}
	if len(h.files) != 4 || h.files[0].Name != "a.txt" || h.files[0].Size != 1 || !strings.HasPrefix(h.files[0].ContentType, "text/plain") {
		t.Fatalf("files = %+v", h.files)
	}
	h.typeText(t, paths["e.txt"])
	if h.keys.AddAttachment.Enabled() {
		t.Error("a fifth attachment is offered")
	}
	h.press(t, "enter")
	if len(h.files) != 4 {
		t.Errorf("%d files after a fifth", len(h.files))
	}
	h.clearInput(t)
	h.press(t, "up", "ctrl+x")
	if len(h.files) != 3 || h.files[2].Name != "d.txt" {
		t.Errorf("after removing c.txt: %+v", h.files)
	}
	if len(h.previewData.Attachments) != 3 {
		t.Errorf("preview lists %d attachments", len(h.previewData.Attachments))
	}
}

func TestSignatureCycles(t *testing.T) {
	w := tuitest.NewWorld(t)
	work := addSignature(t, w, "Work", "Sam, Acme", true)
	short := addSignature(t, w, "Short", "— S", false)
	h := openNew(t, w, w.Ada, w.Intro, 120, 40)
	if got := h.draft().SignatureID; got != work.ID {
		t.Fatalf("default signature = %d, want Work (%d)", got, work.ID)
	}
	if !strings.Contains(h.previewData.Text, "Sam, Acme") {
		t.Errorf("the preview lacks the signature:\n%s", h.previewData.Text)
	}
	h.focusOn(t, fieldSignature)
	var got []int64
	for range 3 {
		h.press(t, "right")
		got = append(got, h.draft().SignatureID)
	}
	if want := []int64{short.ID, 0, work.ID}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("right cycles %v, want %v (Work, Short, none by the store's order)", got, want)
	}
	h.press(t, "left")
	if h.draft().SignatureID != 0 || strings.Contains(h.previewData.Text, "Sam, Acme") {
		t.Errorf("left did not go back to none: %d", h.draft().SignatureID)
	}
}

func TestScheduleIsReadLive(t *testing.T) {
	w := tuitest.NewWorld(t)
	h := openNew(t, w, w.Ada, w.Intro, 120, 40)
	h.focusOn(t, fieldSchedule)
	// The examples are built from the clock (Thu 26 Nov 10:00), so each is ahead.
	if !strings.Contains(h.view(), "→ as soon as possible · or 12:00 · tomorrow 9:00") {
		t.Errorf("no ASAP line:\n%s", h.view())
	}
	h.typeText(t, "tomorrow 9:00")
	if !strings.Contains(h.view(), "→ Fri 27 Nov 09:00 UTC (tomorrow)") {
		t.Errorf("the time is not read back:\n%s", h.view())
	}
	if !h.keys.Send.Enabled() {
		t.Error("send disabled with a valid time")
	}
	h.clearInput(t)
	h.typeText(t, "9:00")
	if !strings.Contains(h.view(), "→ Fri 27 Nov 09:00 UTC (tomorrow; 09:00 today has") || !h.keys.Send.Enabled() {
		t.Errorf("a time of day that has passed is not said to be tomorrow's:\n%s", h.view())
	}
	h.clearInput(t)
	h.typeText(t, "today 9:00")
	if h.keys.Send.Enabled() || !strings.Contains(h.view(), "✗ Thu 26 Nov 2026 09:00 UTC is in the past") {
		t.Errorf("a past time must block send:\n%s", h.view())
	}
}

func TestSendQueuesTheDraft(t *testing.T) {
	w := tuitest.NewWorld(t)
	h := openNew(t, w, w.Ada, w.Intro, 120, 40)
	h.clearInput(t)
	h.typeText(t, "A question, {{first_name}}")
	h.press(t, "ctrl+s")
	if len(h.queued) != 1 || h.queued[0].Err != nil {
		t.Fatalf("queued = %+v", h.queued)
	}
	q := h.queued[0]
	if q.Mode != common.SendNow || q.Contact.ID != w.Ada.ID || q.Message.Subject != "A question, Ada" {
		t.Errorf("queued %+v", q)
	}
	m, err := w.DB.GetMessage(t.Context(), q.Message.ID)
	if err != nil || m.Status != store.MessageQueued || len(m.Draft) == 0 {
		t.Errorf("message %+v, %v", m, err)
	}
	e, err := w.DB.ListEmails(t.Context(), store.EmailFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range e {
		if x.ID == w.Intro.ID && x.Subject != w.Intro.Subject {
			t.Errorf("the template changed: %q", x.Subject)
		}
	}
}

func TestLintBlocksSend(t *testing.T) {
	w := tuitest.NewWorld(t)
	h := openNew(t, w, w.Bulk[0], w.Industry, 120, 40)
	if h.keys.Send.Enabled() {
		t.Fatal("send enabled with a missing merge variable")
	}
	h.press(t, "ctrl+s")
	if len(h.queued) != 0 {
		t.Fatal("ctrl+s sent despite the lint")
	}
	for _, b := range h.ShortHelp() {
		if b.Enabled() && key.Matches(tuitest.Key("ctrl+s"), b) {
			t.Error("help offers ctrl+s")
		}
	}
	// Editing the variable away unblocks it.
	h.clearInput(t)
	h.typeText(t, "A note for {{company}}")
	h.focusOn(t, fieldBody)
	h.body.SetValue("Hi {{first_name}}, a short note.")
	h.press(t, "end") // any key lets the form see the new text
	tuitest.Pump(t, h.update, h.schedulePreview(), nil)
	if !h.keys.Send.Enabled() {
		reason, _ := h.blocked()
		t.Errorf("send still blocked: %s", reason)
	}
}

func TestRefusedSendKeepsTheEdits(t *testing.T) {
	w := tuitest.NewWorld(t)
	h := openNew(t, w, w.Ada, w.Intro, 120, 40)
	h.focusOn(t, fieldReplyTo)
	h.typeText(t, "replies at acme")
	if reason, blocked := h.blocked(); !blocked || !strings.Contains(reason, "Reply-To") {
		t.Errorf("a bad Reply-To does not block send: %q", reason)
	}
	h.clearInput(t)
	h.focusOn(t, fieldFromEmail)
	h.clearInput(t)
	h.typeText(t, "sam@unverified.test")
	h.press(t, "ctrl+s")
	if len(h.queued) != 1 || h.queued[0].Err == nil {
		t.Fatalf("queued = %+v, want a refusal", h.queued)
	}
	var refusal *outbox.RefusalError
	if !errors.As(h.queued[0].Err, &refusal) {
		t.Errorf("err = %v, want a refusal", h.queued[0].Err)
	}
	if h.fromEmail.Value() != "sam@unverified.test" || h.send != sendIdle {
		t.Errorf("from %q, send %v after the refusal", h.fromEmail.Value(), h.send)
	}
	if !strings.Contains(h.view(), "✗ Not sent: ") {
		t.Errorf("the refusal is not on screen:\n%s", h.view())
	}
	ms, err := w.DB.ListMessages(t.Context(), store.MessageFilter{ContactID: w.Ada.ID})
	if err != nil || len(ms) != 1 { // the Intro sent in the world
		t.Errorf("messages = %d, %v", len(ms), err)
	}
}

func TestDiscardAsks(t *testing.T) {
	w := tuitest.NewWorld(t)
	h := openNew(t, w, w.Ada, w.Intro, 120, 40)
	h.press(t, "esc")
	if len(h.intents) != 1 || h.intents[0] != (common.BackMsg{}) {
		t.Fatalf("esc on an untouched draft: intents %v", h.intents)
	}
	h.intents = nil
	h.typeText(t, "!")
	h.press(t, "esc")
	if h.confirm != confirmDiscard || len(h.intents) != 0 {
		t.Fatalf("esc with edits: confirm %v, intents %v", h.confirm, h.intents)
	}
	if !h.keys.Yes.Enabled() || h.keys.Send.Enabled() {
		t.Error("the question's keys are not the only ones")
	}
	h.press(t, "n")
	if h.confirm != confirmNone || h.subject.Value() != w.Intro.Subject+"!" {
		t.Errorf("n lost the edits: %q", h.subject.Value())
	}
	h.press(t, "esc", "y")
	if len(h.intents) != 1 || h.intents[0] != (common.BackMsg{}) {
		t.Errorf("y: intents %v", h.intents)
	}
}

func TestStalePreviewDropped(t *testing.T) {
	w := tuitest.NewWorld(t)
	h := openNew(t, w, w.Ada, w.Intro, 120, 40)
	old := h.previewSeq
	h.typeText(t, "!")
	h.update(previewMsg{seq: old, preview: outbox.Preview{Subject: "stale"}})
	if h.previewData.Subject == "stale" {
		t.Error("a stale preview replaced the current one")
	}
}

func TestEditorRoundTrip(t *testing.T) {
	w := tuitest.NewWorld(t)
	h := open(t, w, w.Mailer(t, &tuitest.Transport{}), Options{Contact: w.Ada, EmailID: w.Intro.ID, Editor: "true"}, 120, 40)
	h.focusOn(t, fieldBody)
	if !h.keys.Editor.Enabled() {
		t.Fatal("ctrl+e disabled with an editor set")
	}
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // where the command writes the body
	if msgs := tuitest.Exec(t, h.update(tuitest.Key("ctrl+e")), 0); len(msgs) != 1 {
		t.Fatalf("ctrl+e gave %v, want the exec message", msgs)
	}
	files, err := filepath.Glob(filepath.Join(tmp, "leadmail-*.md"))
	if err != nil || len(files) != 1 {
		t.Fatalf("temporary files %v, %v; want one", files, err)
	}
	path := files[0]
	b, err := os.ReadFile(path)
	if err != nil || string(b) != w.Intro.Body {
		t.Fatalf("temp file holds %q, %v", b, err)
	}
	// Play the editor: change the file, then exit.
	if err := os.WriteFile(path, []byte("Hi {{first_name}}, edited."), 0o600); err != nil {
		t.Fatal(err)
	}
	tuitest.Pump(t, h.update, func() tea.Msg { return editor.Exited(path, edited)(nil) }, nil)
	if h.body.Value() != "Hi {{first_name}}, edited." || !strings.Contains(h.previewData.Text, "Hi Ada, edited.") {
		t.Errorf("body %q, preview %q", h.body.Value(), h.previewData.Text)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Error("the temporary file was left behind")
	}
}

func TestEditorFailureKeepsTheBody(t *testing.T) {
	w := tuitest.NewWorld(t)
	h := open(t, w, w.Mailer(t, &tuitest.Transport{}), Options{Contact: w.Ada, EmailID: w.Intro.ID, Editor: "false"}, 120, 40)
	h.focusOn(t, fieldBody)
	t.Setenv("TMPDIR", t.TempDir())
	path, err := editor.Prepare(h.body.Value())
	if err != nil {
		t.Fatal(err)
	}
	runErr := editor.Command(h.opts.Editor, path).Run()
	tuitest.Pump(t, h.update, func() tea.Msg { return editor.Exited(path, edited)(runErr) }, nil)
	if h.body.Value() != w.Intro.Body {
		t.Errorf("body %q, want it untouched", h.body.Value())
	}
	if len(h.intents) != 1 {
		t.Errorf("intents %v, want the error", h.intents)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Error("the temporary file was left behind")
	}
}

func TestEditBeforeSendReplaces(t *testing.T) {
	w := tuitest.NewWorld(t)
	svc := w.Mailer(t, &tuitest.Transport{})
	at := tuitest.Now.Add(24 * time.Hour)
	first, err := svc.SendDraft(t.Context(), mustDraft(t, svc, w.Ada.ID, w.Intro.ID, at))
	if err != nil {
		t.Fatal(err)
	}
	h := open(t, w, svc, Options{Contact: store.Contact{ID: w.Ada.ID}, MessageID: first.ID}, 120, 40)
	if h.Title() != "Edit before send" || h.contact.Email != w.Ada.Email {
		t.Fatalf("title %q, contact %+v", h.Title(), h.contact)
	}
	if !strings.Contains(h.view(), "→ Fri 27 Nov 10:00 UTC (tomorrow)") {
		t.Errorf("the schedule is not the message's:\n%s", h.view())
	}
	h.clearInput(t)
	h.typeText(t, "Edited for {{first_name}}")
	h.press(t, "ctrl+s")
	if len(h.queued) != 1 || h.queued[0].Err != nil || h.queued[0].Mode != common.SendScheduled {
		t.Fatalf("queued = %+v", h.queued)
	}
	got, err := w.DB.GetMessage(t.Context(), first.ID)
	if err != nil || got.Subject != "Edited for Ada" || got.MessageID != first.MessageID {
		t.Errorf("message after edit = %q %q (was %q), %v", got.Subject, got.MessageID, first.MessageID, err)
	}
}

func mustDraft(t *testing.T, svc *outbox.Service, contactID, emailID int64, at time.Time) outbox.Draft {
	t.Helper()
	d, err := svc.NewDraft(context.Background(), contactID, emailID)
	if err != nil {
		t.Fatal(err)
	}
	d.SendAt = at
	return d
}

func TestTrust05NoReadyWithoutEmail(t *testing.T) {
	w := tuitest.NewWorld(t)
	h := openNew(t, w, w.NoEmail, w.FollowUp, 120, 40)
	v := h.view()
	if strings.Contains(v, "✓ Ready") {
		t.Errorf("Ready shown for a contact without an email address:\n%s", v)
	}
	if !strings.Contains(v, "has no email address") {
		t.Errorf("no reason given:\n%s", v)
	}
	if h.keys.Send.Enabled() {
		t.Error("send enabled for a contact without an email address")
	}
	h.press(t, "ctrl+s")
	if len(h.queued) != 0 {
		t.Error("ctrl+s queued a message without an address")
	}
}

func TestTrust19MissingValueVisibleInPreview(t *testing.T) {
	w := tuitest.NewWorld(t)
	h := openNew(t, w, w.Bulk[0], w.Industry, 120, 40)
	if h.previewState != previewReady {
		t.Fatalf("preview state %v: %s", h.previewState, h.previewErr)
	}
	want := "teams in " + common.MissingMarker("custom.industry") + " do"
	if !strings.Contains(h.previewData.Text, want) {
		t.Errorf("preview text %q does not show %q", h.previewData.Text, want)
	}
	if !strings.Contains(h.view(), "in ⟨missing:") {
		t.Errorf("the marker is not on screen:\n%s", h.view())
	}
	if strings.Contains(h.previewData.Subject+h.previewData.Text, "in  ") {
		t.Errorf("a blank stands for the missing value: %q / %q", h.previewData.Subject, h.previewData.Text)
	}
}

func TestTrust19AttachmentPathTildeAndTab(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	if err := os.MkdirAll(filepath.Join(home, "Documents"), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"pricing.pdf", "proposal.pdf"} {
		if err := os.WriteFile(filepath.Join(home, "Documents", n), []byte("%PDF"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	w := tuitest.NewWorld(t)
	h := openNew(t, w, w.Ada, w.Intro, 120, 40)
	h.focusOn(t, fieldAttachments)
	h.typeText(t, "~/Doc")
	h.press(t, "tab")
	if got := h.attachIn.Value(); got != "~/Documents/" || h.focus != fieldAttachments {
		t.Fatalf("tab made %q (focus %v), want ~/Documents/ in the same field", got, h.focus)
	}
	h.typeText(t, "p")
	h.press(t, "tab")
	if got := h.attachIn.Value(); got != "~/Documents/pr" {
		t.Fatalf("tab made %q, want the shared prefix ~/Documents/pr", got)
	}
	if v := h.view(); !strings.Contains(v, "pricing.pdf") || !strings.Contains(v, "proposal.pdf") {
		t.Errorf("the matches are not listed:\n%s", v)
	}
	h.typeText(t, "i")
	h.press(t, "tab")
	if got := h.attachIn.Value(); got != "~/Documents/pricing.pdf" {
		t.Fatalf("tab made %q", got)
	}
	h.press(t, "enter")
	if len(h.files) != 1 || h.files[0].Name != "pricing.pdf" || h.attachErr != "" {
		t.Fatalf("~ was not expanded: files %+v, err %q", h.files, h.attachErr)
	}
	// With nothing typed, tab leaves the field as before.
	h.press(t, "tab")
	if h.focus == fieldAttachments {
		t.Error("tab on an empty path did not move on")
	}
	// A folder that does not exist says so and changes nothing.
	h.focusOn(t, fieldAttachments)
	h.typeText(t, "~/Nowhere/x")
	h.press(t, "tab")
	if h.attachIn.Value() != "~/Nowhere/x" || h.attachErr == "" || len(h.files) != 1 {
		t.Errorf("bad folder: value %q, err %q, files %d", h.attachIn.Value(), h.attachErr, len(h.files))
	}
}

func TestTrust20CtrlEWithoutEditorSaysSo(t *testing.T) {
	w := tuitest.NewWorld(t)
	h := openNew(t, w, w.Ada, w.Intro, 120, 40)
	h.focusOn(t, fieldBody)
	if !h.keys.Editor.Enabled() {
		t.Fatal("ctrl+e disabled with $EDITOR unset: it should fall back or say so")
	}
	t.Setenv("PATH", t.TempDir()) // neither vi nor nano
	h.press(t, "ctrl+e")
	var said bool
	for _, in := range h.intents {
		if e, ok := in.(common.ErrorMsg); ok && errors.Is(e.Err, editor.ErrNoEditor) {
			said = true
		}
	}
	if !said || h.body.Value() != w.Intro.Body {
		t.Errorf("intents %#v, body %q", h.intents, h.body.Value())
	}
}
