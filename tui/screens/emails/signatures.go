package emails

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/mail"
	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
)

// sigList is the sender's signatures, the default first.
type sigList struct {
	state   loadState
	errText string
	items   []store.Signature
	cursor  int
	seq     int
}

func (l sigList) selected() (store.Signature, bool) {
	if l.state != stateReady || l.cursor < 0 || l.cursor >= len(l.items) {
		return store.Signature{}, false
	}
	return l.items[l.cursor], true
}

// sigField is a focusable field of the signature editor.
type sigField int

const (
	sigFieldName sigField = iota
	sigFieldBody
	sigFieldCount
)

// sigEditor edits one signature: a name and a Markdown body.
type sigEditor struct {
	orig    store.Signature
	name    textinput.Model
	body    textarea.Model
	focus   sigField
	busy    busy
	seq     int
	problem *problem // field is fieldName or fieldBody
	saveErr string
}

func newSigEditor(c *common.Common, s store.Signature) *sigEditor {
	ed := &sigEditor{orig: s}
	ed.name = textinput.New()
	ed.name.Prompt = ""
	ed.name.Placeholder = common.Example("Short")
	ed.name.CharLimit = 200
	ed.name.SetValue(s.Name)
	ed.name.SetStyles(c.Styles.Input)
	ed.body = textarea.New()
	ed.body.Prompt = ""
	ed.body.Placeholder = common.Example("{{user.name}}\n{{user.title}} · {{user.phone}}")
	ed.body.MaxHeight = 1000
	ed.body.SetValue(s.Body)
	ed.body.MoveToBegin()
	ed.body.SetStyles(c.Styles.Textarea)
	return ed
}

func (e *sigEditor) dirty() bool {
	return strings.TrimSpace(e.name.Value()) != e.orig.Name || e.body.Value() != e.orig.Body
}

func (e *sigEditor) setFocus(f sigField) tea.Cmd {
	e.focus = f
	e.name.Blur()
	e.body.Blur()
	if f == sigFieldBody {
		return e.body.Focus()
	}
	return e.name.Focus()
}

// sigLines is the signature editor's lines besides the body: the header,
// the name, the body title and the hint, plus the inline errors.
func (e *sigEditor) sigLines() int {
	n := 4
	if e.problem != nil {
		n++
	}
	if e.saveErr != "" {
		n++
	}
	return n
}

func (e *sigEditor) layout(width, height int) {
	e.name.SetWidth(max(10, width-labelWidth-1))
	e.body.SetWidth(max(10, width))
	e.body.SetHeight(max(3, height-e.sigLines()))
}

// validateSignature parses a signature's body: it may use only {{user.*}},
// since it is the same for every recipient.
func validateSignature(body string) *problem {
	t, err := mail.ParseTemplate(body)
	if err != nil {
		return problemOf(fieldBody, err)
	}
	for _, v := range t.Vars() {
		if !strings.HasPrefix(v.Name, "user.") {
			return &problem{field: fieldBody, line: v.Line, col: v.Col,
				msg: fmt.Sprintf("a signature may only use {{user.*}} variables, not %q", v.Name)}
		}
	}
	return nil
}

// sigsMsg carries the sender's signatures.
type sigsMsg struct {
	seq      int
	items    []store.Signature
	selectID int64
	err      error
}

// sigSavedMsg is the result of saving a signature.
type sigSavedMsg struct {
	seq     int
	sig     store.Signature
	problem *problem
	err     error
}

// sigChangedMsg is the result of deleting a signature or making it the
// default.
type sigChangedMsg struct {
	sig     store.Signature
	deleted bool
	err     error
}

func (m *Model) loadSigs(selectID int64) tea.Cmd {
	m.sigs.seq++
	seq, ctx, s, uid := m.sigs.seq, m.c.Ctx, m.store, m.opts.Sender.ID
	return func() tea.Msg {
		items, err := s.ListSignatures(ctx, uid)
		return sigsMsg{seq: seq, items: items, selectID: selectID, err: err}
	}
}

func (m *Model) handleSigs(msg sigsMsg) {
	l := &m.sigs
	if msg.seq != l.seq {
		return
	}
	if msg.err != nil {
		if l.state != stateReady {
			l.state, l.errText = stateError, m.c.ErrText(msg.err)
		} else {
			m.Post(common.ErrorMsg{Err: msg.err})
		}
		return
	}
	l.state, l.errText, l.items = stateReady, "", msg.items
	for i, s := range l.items {
		if s.ID == msg.selectID {
			l.cursor = i
		}
	}
	l.cursor = max(0, min(l.cursor, len(l.items)-1))
}

func (m *Model) openSignatures() tea.Cmd {
	m.view = viewSignatures
	m.sigs = sigList{state: stateLoading}
	return m.loadSigs(0)
}

func (m *Model) openSigEditor(s store.Signature) tea.Cmd {
	m.sig = newSigEditor(m.c, s)
	m.view = viewSigEditor
	m.sig.layout(m.width, m.height)
	return m.sig.setFocus(sigFieldName)
}

func (m *Model) closeSigEditor() {
	m.sig = nil
	m.view = viewSignatures
	m.prompt = promptNone
}

func (m *Model) saveSig() tea.Cmd {
	e := m.sig
	e.seq++
	e.busy = busySaving
	e.saveErr = ""
	sig := e.orig
	sig.UserID = m.opts.Sender.ID
	sig.Name = strings.TrimSpace(e.name.Value())
	sig.Body = e.body.Value()
	seq, ctx, s := e.seq, m.c.Ctx, m.store
	return func() tea.Msg {
		if p := validateSignature(sig.Body); p != nil {
			return sigSavedMsg{seq: seq, sig: sig, problem: p}
		}
		var err error
		if sig.ID == 0 {
			err = s.CreateSignature(ctx, &sig)
		} else {
			err = s.UpdateSignature(ctx, sig)
		}
		return sigSavedMsg{seq: seq, sig: sig, err: err}
	}
}

func (m *Model) handleSigSaved(msg sigSavedMsg) tea.Cmd {
	e := m.sig
	if e == nil || msg.seq != e.seq {
		return nil
	}
	e.busy = busyNone
	e.problem = msg.problem
	if msg.problem == nil && msg.err != nil {
		e.saveErr = "Not saved: " + m.c.ErrText(msg.err)
	}
	e.layout(m.width, m.height)
	if msg.problem != nil {
		cmd := e.setFocus(sigFieldBody)
		if p := msg.problem; p.line > 0 {
			e.body.MoveToBegin()
			for range p.line - 1 {
				e.body.CursorDown()
			}
			e.body.SetCursorColumn(p.col - 1)
		}
		return cmd
	}
	if msg.err != nil {
		return nil
	}
	m.Post(common.StatusMsg{Text: "Saved signature “" + msg.sig.Name + "”", Level: common.LevelSuccess})
	m.closeSigEditor()
	return m.loadSigs(msg.sig.ID)
}

func (m *Model) deleteSig() tea.Cmd {
	sig, ok := m.sigs.selected()
	if !ok {
		return nil
	}
	ctx, s := m.c.Ctx, m.store
	return func() tea.Msg {
		return sigChangedMsg{sig: sig, deleted: true, err: s.DeleteSignature(ctx, sig.ID)}
	}
}

func (m *Model) makeDefault() tea.Cmd {
	sig, ok := m.sigs.selected()
	if !ok {
		return nil
	}
	sig.IsDefault = true
	ctx, s := m.c.Ctx, m.store
	return func() tea.Msg {
		return sigChangedMsg{sig: sig, err: s.UpdateSignature(ctx, sig)}
	}
}

func (m *Model) handleSigChanged(msg sigChangedMsg) tea.Cmd {
	if msg.err != nil {
		m.Post(common.ErrorMsg{Err: msg.err})
		return nil
	}
	text := "“" + msg.sig.Name + "” is now the default signature"
	if msg.deleted {
		text = "Deleted signature “" + msg.sig.Name + "”"
	}
	m.Post(common.StatusMsg{Text: text, Level: common.LevelSuccess})
	return m.loadSigs(msg.sig.ID)
}

func (m *Model) handleSigsKey(msg tea.KeyPressMsg) tea.Cmd {
	k, l := m.keys, &m.sigs
	switch {
	case key.Matches(msg, k.Up):
		l.cursor = max(0, l.cursor-1)
	case key.Matches(msg, k.Down):
		l.cursor = min(len(l.items)-1, l.cursor+1)
	case key.Matches(msg, k.New):
		return m.openSigEditor(store.Signature{})
	case key.Matches(msg, k.Edit):
		if s, ok := l.selected(); ok {
			return m.openSigEditor(s)
		}
	case key.Matches(msg, k.Delete):
		m.prompt = promptDeleteSig
	case key.Matches(msg, k.Default):
		return m.makeDefault()
	case key.Matches(msg, k.Retry):
		l.state = stateLoading
		return m.loadSigs(0)
	case key.Matches(msg, k.Back):
		m.view = viewList
	}
	return nil
}

func (m *Model) handleSigEditorKey(msg tea.KeyPressMsg) tea.Cmd {
	e, k := m.sig, m.keys
	switch {
	case key.Matches(msg, k.Save):
		return m.saveSig()
	case key.Matches(msg, k.External):
		e.busy = busyExternal
		return m.startExternal(e.body.Value())
	case key.Matches(msg, k.Next), key.Matches(msg, k.Prev):
		return e.setFocus((e.focus + 1) % sigFieldCount)
	case key.Matches(msg, k.Leave):
		if e.dirty() {
			m.prompt = promptDiscardSig
			return nil
		}
		m.closeSigEditor()
		return nil
	}
	var cmd tea.Cmd
	if e.focus == sigFieldBody {
		e.body, cmd = e.body.Update(msg)
	} else {
		e.name, cmd = e.name.Update(msg)
	}
	return cmd
}
