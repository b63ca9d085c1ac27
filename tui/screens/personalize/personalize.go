// Package personalize is the Personalize screen of the leadmail TUI: one
// Smart Mail composed for one contact before it is sent, keyboard-first.
// The primary recipient is fixed; more To, CC and BCC come from the
// contacts (search as you type) or typed addresses; subject, sender,
// Reply-To, signature, the Markdown body (built in or in $EDITOR),
// attachments and the send time are editable, and a preview pane shows the
// message as it will leave with its merge lint. The personalized version is
// sent through the outbox and never saved as a template.
//
// The same screen edits a message still waiting in the outbox: it opens
// with the message's stored draft, and sending replaces the queued version.
package personalize

import (
	"context"
	"reflect"
	"time"

	"charm.land/bubbles/v2/textarea"
	"charm.land/bubbles/v2/textinput"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
)

// Store is what Personalize reads: contacts for the recipient search, and
// the primary contact of a message being edited.
type Store interface {
	ListContacts(ctx context.Context, req store.PageRequest) (store.ContactPage, error)
	GetContact(ctx context.Context, id int64) (store.Contact, error)
}

// Mailer composes, checks and queues drafts. *outbox.Service satisfies it.
// Its errors of type *outbox.RefusalError are sentences for the user.
type Mailer interface {
	NewDraft(ctx context.Context, contactID, emailID int64) (outbox.Draft, error)
	PreviewDraft(ctx context.Context, d outbox.Draft) (outbox.Preview, error)
	CheckAttachment(path string, have []outbox.Attachment) (outbox.Attachment, error)
	CheckRecipient(ctx context.Context, r outbox.Recipient, field string) error
	// SendDraftWith queues the draft with the reminder opts asks for.
	SendDraftWith(ctx context.Context, d outbox.Draft, opts outbox.SendOptions) (outbox.Sent, error)
	DraftOf(ctx context.Context, messageID int64) (outbox.Draft, error)
	ReplaceDraft(ctx context.Context, messageID int64, d outbox.Draft) (store.Message, error)
	Signatures(ctx context.Context) ([]store.Signature, error)
}

// DefaultDebounce is how long typing must pause before the contact search
// or the preview runs.
const DefaultDebounce = 120 * time.Millisecond

// MaxAttachments is the most files one message carries (S4); the outbox
// refuses a fifth, the screen stops offering to add one.
const MaxAttachments = 4

// Options says what to compose and how.
type Options struct {
	// Contact is the primary recipient of a new draft.
	Contact store.Contact
	// EmailID is the template a new draft starts from.
	EmailID int64
	// MessageID, when set, edits that message's stored draft instead.
	MessageID int64
	// OpportunityID is the deal a new draft is sent from, 0 for none: its
	// {{opportunity.*}} variables are filled, and its other contacts are
	// offered in More To and CC (deal.go).
	OpportunityID int64
	// Editor is the command behind ctrl+e ($EDITOR); empty falls back to vi
	// or nano, and says what to set when neither is installed.
	Editor string
	// Debounce is the pause before a search or preview; zero is
	// DefaultDebounce.
	Debounce time.Duration
}

type state int

const (
	stateLoading state = iota
	stateReady
	stateError
)

// field is the focused part of the form, in tab order.
type field int

const (
	fieldTo field = iota // more To
	fieldCc
	fieldBcc
	fieldSubject
	fieldFromName
	fieldFromEmail
	fieldReplyTo
	fieldSignature
	fieldBody
	fieldAttachments
	fieldSchedule
	fieldRemind // "remind me if no reply"; not offered when editing a queued message
	fieldCount
)

type sendState int

const (
	sendIdle sendState = iota
	sendRunning
)

type confirmState int

const (
	confirmNone confirmState = iota
	confirmDiscard
)

type previewState int

const (
	previewLoading previewState = iota
	previewReady
	previewError
)

// Model is the Personalize screen.
type Model struct {
	common.IntentQueue
	c      *common.Common
	store  Store
	mailer Mailer
	opts   Options
	keys   KeyMap

	width, height int
	state         state
	errText       string
	focus         field
	send          sendState
	sendErr       string // why the last send was refused; the edits stay
	confirm       confirmState

	contact    store.Contact
	loaded     outbox.Draft // as opened, to know whether anything changed
	base       outbox.Draft // fields the form does not edit (ids)
	signatures []store.Signature
	signature  int // index into signatures, -1 for none

	recipients [3]*recipientField // more To, CC, BCC
	subject    textinput.Model
	fromName   textinput.Model
	fromEmail  textinput.Model
	replyTo    textinput.Model
	body       textarea.Model
	attachIn   textinput.Model
	attachErr  string
	// pathMatches are the names Tab found when more than one fits.
	pathMatches []string
	checking    int // attachment checks under way
	files       []outbox.Attachment
	fileCursor  int
	when        textinput.Model

	previewSeq   int
	previewState previewState
	previewData  outbox.Preview
	previewErr   string
	preview      viewport.Model

	// remind is "remind me in N days if no reply" for this send, 0 for
	// none (remind.go).
	remind int
}

// New returns Personalize for opts.
func New(c *common.Common, s Store, mailer Mailer, opts Options) *Model {
	if opts.Debounce <= 0 {
		opts.Debounce = DefaultDebounce
	}
	m := &Model{c: c, store: s, mailer: mailer, opts: opts, keys: DefaultKeyMap(), contact: opts.Contact,
		signature: -1, focus: fieldSubject, preview: viewport.New(), remind: c.RemindDays()}
	m.preview.KeyMap = viewport.KeyMap{}
	for i, f := range []struct{ label, name string }{{"More To", "to"}, {"CC", "cc"}, {"BCC", "bcc"}} {
		m.recipients[i] = newRecipientField(f.label, f.name)
	}
	m.subject = newInput("", 400)
	m.fromName = newInput(common.Hint("your name"), 200)
	m.fromEmail = newInput(common.Example("you@your-verified-domain.com"), 254)
	m.replyTo = newInput(common.Hint("same as From"), 254)
	m.attachIn = newInput(common.Hint("a file path: tab completes, enter adds it"), 1024)
	m.when = newInput(common.Hint("empty sends now; or a time, such as tomorrow 9:00"), outbox.MaxWhenLen)
	m.body = textarea.New()
	m.body.ShowLineNumbers = false
	m.body.Prompt = ""
	m.body.CharLimit = 0
	m.body.MaxHeight = 0
	m.restyle()
	m.updateKeys()
	return m
}

func newInput(placeholder string, limit int) textinput.Model {
	in := textinput.New()
	in.Prompt = ""
	in.Placeholder = placeholder
	in.CharLimit = limit
	return in
}

// restyle takes the theme's styles again (after a theme change).
func (m *Model) restyle() {
	st := m.c.Styles
	for _, in := range m.inputs() {
		in.SetStyles(st.Input)
	}
	for _, r := range m.recipients {
		r.input.SetStyles(st.Input)
	}
	ts := textarea.DefaultStyles(st.IsDark)
	for _, s := range []*textarea.StyleState{&ts.Focused, &ts.Blurred} {
		s.Text = st.Value
		s.Placeholder = st.Muted
		s.CursorLine = st.Value
		s.EndOfBuffer = st.Muted
		s.Prompt = st.Muted
	}
	m.body.SetStyles(ts)
}

func (m *Model) inputs() []*textinput.Model {
	return []*textinput.Model{&m.subject, &m.fromName, &m.fromEmail, &m.replyTo, &m.attachIn, &m.when}
}

// ContactID is the primary recipient.
func (m *Model) ContactID() int64 { return m.contact.ID }

// MessageID is the message being edited, 0 for a new draft.
func (m *Model) MessageID() int64 { return m.opts.MessageID }

// Title implements common.Screen.
func (m *Model) Title() string {
	if m.opts.MessageID != 0 {
		return "Edit before send"
	}
	return "Personalize"
}

// Capturing implements common.Screen: every field but the signature takes
// typed text.
func (m *Model) Capturing() bool {
	return m.state == stateReady && m.confirm == confirmNone && m.focus != fieldSignature && m.focus != fieldRemind
}

// loadedMsg carries the draft, its contact and the sender's signatures.
type loadedMsg struct {
	draft      outbox.Draft
	contact    store.Contact
	signatures []store.Signature
	err        error
}

// Init implements common.Screen: load the draft (new from the template, or
// the queued message's), the contact when only its id is known, and the
// signatures, in one command.
func (m *Model) Init() tea.Cmd {
	ctx, s, mailer, opts := m.c.Ctx, m.store, m.mailer, m.opts
	return func() tea.Msg {
		var (
			d   outbox.Draft
			err error
		)
		if opts.MessageID != 0 {
			d, err = mailer.DraftOf(ctx, opts.MessageID)
		} else {
			d, err = mailer.NewDraft(ctx, opts.Contact.ID, opts.EmailID)
			d.OpportunityID = opts.OpportunityID
		}
		if err != nil {
			return loadedMsg{err: err}
		}
		c := opts.Contact
		if c.ID != d.ContactID || c.Email == "" {
			if c, err = s.GetContact(ctx, d.ContactID); err != nil {
				return loadedMsg{err: err}
			}
		}
		sigs, err := mailer.Signatures(ctx)
		return loadedMsg{draft: d, contact: c, signatures: sigs, err: err}
	}
}

func (m *Model) handleLoaded(msg loadedMsg) tea.Cmd {
	if msg.err != nil {
		text := m.c.ErrText(msg.err)
		if text == "" {
			return nil
		}
		m.state, m.errText = stateError, text
		return nil
	}
	m.state, m.contact, m.signatures = stateReady, msg.contact, msg.signatures
	m.fill(msg.draft)
	m.loaded = m.draft()
	m.relayout()
	return tea.Batch(m.focusField(m.focus), m.schedulePreview())
}

// fill puts d into the form.
func (m *Model) fill(d outbox.Draft) {
	m.base = d
	for i, rs := range [][]outbox.Recipient{d.To, d.Cc, d.Bcc} {
		m.recipients[i].chips = append([]outbox.Recipient(nil), rs...)
	}
	m.subject.SetValue(d.Subject)
	m.fromName.SetValue(d.FromName)
	m.fromEmail.SetValue(d.FromEmail)
	m.replyTo.SetValue(d.ReplyTo)
	m.body.SetValue(d.Body)
	m.body.MoveToBegin()
	m.files = append([]outbox.Attachment(nil), d.Attachments...)
	m.fileCursor = max(0, len(m.files)-1)
	m.signature = -1
	for i, s := range m.signatures {
		if s.ID == d.SignatureID && d.SignatureID != 0 {
			m.signature = i
		}
	}
	if !d.SendAt.IsZero() {
		m.when.SetValue(d.SendAt.In(m.c.Now().Location()).Format("2006-01-02 15:04"))
	}
	for _, in := range m.inputs() {
		in.CursorEnd()
	}
}

// draft is the form as an outbox.Draft. A schedule that does not parse
// counts as as soon as possible here; send stays blocked until it parses.
func (m *Model) draft() outbox.Draft {
	d := m.base
	d.To, d.Cc, d.Bcc = m.recipients[0].list(), m.recipients[1].list(), m.recipients[2].list()
	d.Subject, d.Body = m.subject.Value(), m.body.Value()
	d.FromName, d.FromEmail, d.ReplyTo = m.fromName.Value(), m.fromEmail.Value(), m.replyTo.Value()
	d.Attachments = append([]outbox.Attachment(nil), m.files...)
	d.SignatureID = 0
	if m.signature >= 0 && m.signature < len(m.signatures) {
		d.SignatureID = m.signatures[m.signature].ID
	}
	d.SendAt = time.Time{}
	if at, err := m.sendAt(); err == nil {
		d.SendAt = at
	}
	return d
}

// sendAt reads the schedule: zero for as soon as possible.
func (m *Model) sendAt() (time.Time, error) {
	w, err := m.readWhen()
	return w.At, err
}

// readWhen reads the schedule as typed, on the injected clock: a zero
// When for as soon as possible.
func (m *Model) readWhen() (outbox.When, error) {
	if isBlank(m.when.Value()) {
		return outbox.When{}, nil
	}
	return outbox.ReadWhen(m.when.Value(), m.c.Now())
}

// Dirty reports whether the form differs from the draft as opened. Text
// typed in an input but not yet added counts too.
func (m *Model) Dirty() bool {
	if m.state != stateReady {
		return false
	}
	for _, r := range m.recipients {
		if !isBlank(r.input.Value()) {
			return true
		}
	}
	return !isBlank(m.attachIn.Value()) || !reflect.DeepEqual(normal(m.draft()), normal(m.loaded))
}

// normal makes empty and nil lists compare equal.
func normal(d outbox.Draft) outbox.Draft {
	for _, l := range []*[]outbox.Recipient{&d.To, &d.Cc, &d.Bcc} {
		if len(*l) == 0 {
			*l = nil
		}
	}
	if len(d.Attachments) == 0 {
		d.Attachments = nil
	}
	return d
}
