package emails

import (
	"errors"
	"slices"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/mail"
	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
	"github.com/leadmail/leadmail/tui/theme"
)

// field is a focusable field of the email editor, in tab order.
type field int

const (
	fieldName field = iota
	fieldSubject
	fieldBody
	fieldSmart
	fieldTags
	fieldFromName
	fieldFromEmail
	fieldReplyTo
	fieldCount
)

// busy is what an editor waits for.
type busy int

const (
	busyNone     busy = iota
	busyChecking      // validating and trial rendering
	busySaving        // validating, rendering and saving
	busyExternal      // the body is open in $EDITOR
)

// problem is a template error shown inline under its field.
type problem struct {
	field     field
	line, col int // 1-based; 0 when the error has no position
	msg       string
}

// text reads like `line 2, column 7: unknown variable "frist_name"`.
func (p problem) text() string {
	if p.line == 0 {
		return p.msg
	}
	return "line " + strconv.Itoa(p.line) + ", column " + strconv.Itoa(p.col) + ": " + p.msg
}

// problemOf turns a parse error into a problem of field f.
func problemOf(f field, err error) *problem {
	var se *mail.SyntaxError
	if errors.As(err, &se) {
		return &problem{field: f, line: se.Line, col: se.Col, msg: se.Msg}
	}
	return &problem{field: f, msg: err.Error()}
}

// trial is the template rendered for the sample contact.
type trial struct {
	contact string
	subject string
	text    string
	missing []string // variables blank for this contact, without fallback
}

// editor edits one email template.
type editor struct {
	orig    store.Email // as loaded or last saved; ID 0 for a new one
	inputs  [fieldCount]textinput.Model
	body    textarea.Model
	smart   bool
	focus   field
	busy    busy
	seq     int // the latest check; older results are dropped
	problem *problem
	saveErr string
	trial   *trial
	width   int
	height  int
}

// inputFields are the fields edited with a textinput.
var inputFields = []field{fieldName, fieldSubject, fieldTags, fieldFromName, fieldFromEmail, fieldReplyTo}

func newEditor(c *common.Common, e store.Email) *editor {
	ed := &editor{orig: e, smart: e.SmartMail}
	placeholders := map[field]string{fieldName: common.Hint("a name to find it by"),
		fieldSubject: common.Example("Hello {{first_name}}"), fieldTags: common.Example("intro, cold"),
		fieldFromName: common.Hint("the sender's name"), fieldFromEmail: common.Hint("the sender's address"),
		fieldReplyTo: common.Hint("none")}
	values := map[field]string{fieldName: e.Name, fieldSubject: e.Subject, fieldTags: strings.Join(e.Tags, ", "),
		fieldFromName: e.FromName, fieldFromEmail: e.FromEmail, fieldReplyTo: e.ReplyTo}
	for _, f := range inputFields {
		in := textinput.New()
		in.Prompt = ""
		in.Placeholder = placeholders[f]
		in.CharLimit = 500
		in.SetValue(values[f])
		ed.inputs[f] = in
	}
	ed.body = textarea.New()
	ed.body.Prompt = ""
	ed.body.Placeholder = common.Example("Hi {{first_name}}, …")
	ed.body.MaxHeight = 5000
	ed.body.CharLimit = 0
	ed.body.SetValue(e.Body)
	ed.body.MoveToBegin()
	ed.applyStyles(c.Styles)
	return ed
}

func (e *editor) applyStyles(st *theme.Styles) {
	for _, f := range inputFields {
		e.inputs[f].SetStyles(st.Input)
	}
	e.body.SetStyles(st.Textarea)
}

// email is the template as the fields say now.
func (e *editor) email() store.Email {
	out := e.orig
	out.Name = e.inputs[fieldName].Value()
	out.Subject = e.inputs[fieldSubject].Value()
	out.Body = e.body.Value()
	out.SmartMail = e.smart
	out.Tags = splitTags(e.inputs[fieldTags].Value())
	out.FromName = e.inputs[fieldFromName].Value()
	out.FromEmail = e.inputs[fieldFromEmail].Value()
	out.ReplyTo = e.inputs[fieldReplyTo].Value()
	return out
}

// dirty reports whether the fields differ from what was loaded or saved.
func (e *editor) dirty() bool {
	a, b := e.email(), e.orig
	same := func(x, y string) bool { return strings.TrimSpace(x) == strings.TrimSpace(y) }
	return !same(a.Name, b.Name) || !same(a.Subject, b.Subject) || a.Body != b.Body ||
		a.SmartMail != b.SmartMail || !slices.Equal(a.Tags, b.Tags) || !same(a.FromName, b.FromName) ||
		!same(a.FromEmail, b.FromEmail) || !same(a.ReplyTo, b.ReplyTo)
}

func splitTags(s string) []string {
	var tags []string
	for t := range strings.SplitSeq(s, ",") {
		if t = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(t), "#")); t != "" {
			tags = append(tags, t)
		}
	}
	return tags
}

// setFocus moves the focus to f.
func (e *editor) setFocus(f field) tea.Cmd {
	e.focus = f
	for _, g := range inputFields {
		e.inputs[g].Blur()
	}
	e.body.Blur()
	switch f {
	case fieldBody:
		return e.body.Focus()
	case fieldSmart:
		return nil
	}
	return e.inputs[f].Focus()
}

// showProblem focuses the field in error, with the body's cursor on the
// error's position.
func (e *editor) showProblem() tea.Cmd {
	p := e.problem
	cmd := e.setFocus(p.field)
	if p.line == 0 {
		return cmd
	}
	switch p.field {
	case fieldBody:
		e.body.MoveToBegin()
		for range p.line - 1 {
			e.body.CursorDown()
		}
		e.body.SetCursorColumn(p.col - 1)
	case fieldSubject:
		e.inputs[fieldSubject].SetCursor(p.col - 1)
	}
	return cmd
}

// checkedMsg is the result of a check, with or without a save.
type checkedMsg struct {
	seq     int
	save    bool
	saved   bool
	email   store.Email
	problem *problem
	trial   *trial
	err     error
}

// check validates and trial-renders the template, and saves it when save
// is set and it has no problem.
func (m *Model) check(save bool) tea.Cmd {
	e := m.editor
	e.seq++
	e.busy = busyChecking
	if save {
		e.busy = busySaving
	}
	e.saveErr = ""
	seq, email, ctx, s := e.seq, e.email(), m.c.Ctx, m.store
	sample, hasSample, sender := m.sample, m.hasSample, m.opts.Sender
	return func() tea.Msg {
		res := checkedMsg{seq: seq, save: save, email: email}
		res.problem, res.trial = validate(email, sample, hasSample, sender)
		if res.problem != nil || !save {
			return res
		}
		var err error
		if email.ID == 0 {
			err = s.CreateEmail(ctx, &email)
		} else {
			err = s.UpdateEmail(ctx, email)
		}
		res.email, res.err, res.saved = email, err, err == nil
		return res
	}
}

// validate parses the subject and the body, then renders them for the
// sample contact. A problem means the template must not be saved.
func validate(e store.Email, sample store.Contact, hasSample bool, sender store.User) (*problem, *trial) {
	subj, err := mail.ParseTemplate(e.Subject)
	if err != nil {
		return problemOf(fieldSubject, err), nil
	}
	body, err := mail.ParseTemplate(e.Body)
	if err != nil {
		return problemOf(fieldBody, err), nil
	}
	if !hasSample {
		return nil, nil
	}
	v := outbox.Values(sample, sender)
	subject, missing := subj.Render(v)
	rendered, err := mail.RenderBody(body, v)
	if err != nil {
		return &problem{field: fieldBody, msg: err.Error()}, nil
	}
	_, bodyMissing := body.Render(v)
	for _, name := range bodyMissing {
		if !slices.Contains(missing, name) {
			missing = append(missing, name)
		}
	}
	return nil, &trial{contact: sample.Name() + " <" + sample.Email + ">", subject: subject,
		text: strings.TrimRight(rendered.Text, "\n"), missing: missing}
}

func (m *Model) handleChecked(msg checkedMsg) tea.Cmd {
	e := m.editor
	if e == nil || msg.seq != e.seq {
		return nil
	}
	e.busy = busyNone
	e.problem, e.trial = msg.problem, msg.trial
	if msg.save && msg.problem == nil && msg.err != nil {
		e.saveErr = "Not saved: " + m.c.ErrText(msg.err)
	}
	e.layout(m.width, m.height) // the errors and the render take room from the body
	if msg.problem != nil {
		return e.showProblem()
	}
	if !msg.save || msg.err != nil {
		return nil
	}
	e.orig = msg.email
	m.Post(common.StatusMsg{Text: "Saved “" + msg.email.Name + "”", Level: common.LevelSuccess})
	return m.load(msg.email.ID)
}

// openEditor shows the editor for e (a zero e is a new email).
func (m *Model) openEditor(e store.Email) tea.Cmd {
	m.editor = newEditor(m.c, e)
	m.view = viewEditor
	m.editor.layout(m.width, m.height)
	return m.editor.setFocus(fieldName)
}

// closeEditor goes back to the list.
func (m *Model) closeEditor() {
	m.editor = nil
	m.view = viewList
	m.prompt = promptNone
}

func (m *Model) handleEditorKey(msg tea.KeyPressMsg) tea.Cmd {
	e, k := m.editor, m.keys
	switch {
	case key.Matches(msg, k.Save):
		return m.check(true)
	case key.Matches(msg, k.Check):
		return m.check(false)
	case key.Matches(msg, k.External):
		e.busy = busyExternal
		return m.startExternal(e.body.Value())
	case key.Matches(msg, k.Next):
		return e.setFocus((e.focus + 1) % fieldCount)
	case key.Matches(msg, k.Prev):
		return e.setFocus((e.focus + fieldCount - 1) % fieldCount)
	case key.Matches(msg, k.Leave):
		if e.dirty() {
			m.prompt = promptDiscard
			return nil
		}
		m.closeEditor()
		return nil
	case key.Matches(msg, k.Toggle):
		e.smart = !e.smart
		return nil
	}
	return e.updateFocused(msg)
}

// updateFocused gives msg (a key or a paste) to the focused input.
func (e *editor) updateFocused(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	switch e.focus {
	case fieldSmart:
	case fieldBody:
		e.body, cmd = e.body.Update(msg)
	default:
		e.inputs[e.focus], cmd = e.inputs[e.focus].Update(msg)
	}
	return cmd
}

// labelWidth is the width of the field names left of the inputs.
const labelWidth = 14

// layout sizes the inputs and the body to the screen: the body takes what
// the other fields, the inline errors and the trial render leave.
func (e *editor) layout(width, height int) {
	e.width, e.height = width, height
	inputW := max(10, width-labelWidth-1)
	for _, f := range []field{fieldName, fieldSubject, fieldReplyTo} {
		e.inputs[f].SetWidth(inputW)
	}
	// Tags share their line with the Smart Mail check box.
	e.inputs[fieldTags].SetWidth(max(10, width-2*labelWidth-len("[x] on ")-2))
	half := max(10, (width-2*labelWidth-3)/2)
	e.inputs[fieldFromName].SetWidth(half)
	e.inputs[fieldFromEmail].SetWidth(half)
	e.body.SetWidth(max(10, width))
	e.body.SetHeight(max(3, height-e.fixedLines()-e.trialHeight()))
}

// fixedLines counts the editor's lines other than the body and the trial
// render: the header, name, subject, body title, smart mail and tags, From,
// Reply-To, and the inline error lines when there are some.
func (e *editor) fixedLines() int {
	n := 7
	if e.problem != nil {
		n++
	}
	if e.saveErr != "" {
		n++
	}
	return n
}

// trialHeight is the height of the trial render: its title, the subject,
// the text and the missing line, at most half of what is free.
func (e *editor) trialHeight() int {
	if e.trial == nil {
		return 0
	}
	want := 2 + strings.Count(e.trial.text, "\n") + 1
	if len(e.trial.missing) > 0 {
		want++
	}
	return min(want, max(4, (e.height-e.fixedLines())/2))
}
