// Package stages is the editor of the pipeline's stages in the leadmail
// TUI, which the Pipeline screen opens for administrators: the stages in
// order with their probability and how many deals each holds. a adds a
// stage, e edits one (its name and probability, in a small form), d
// removes one, K and J move one up and down. Nothing is written until
// enter or ctrl+s saves the whole list in one SetStages (one transaction);
// esc discards the changes after asking.
//
// Won and lost are the pipeline's two closing stages: a deal marked won or
// lost goes there. They may be renamed and given another probability, but
// they stay after every open stage and are never removed. Removing a stage
// that holds deals asks which open stage they go to (←/→, enter); they
// move when the list is saved, in the same transaction, each move an event
// on the deal (as leadmail stages remove NAME --to STAGE does).
package stages

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/common"
)

// Store is what the stages editor reads and writes. *store.DB satisfies
// it, and so does the store scoped to the current user (which refuses
// SetStagesMoving to anyone but an administrator).
type Store interface {
	// Stages lists the pipeline's stages in order.
	Stages(ctx context.Context) ([]store.Stage, error)
	// SetStagesMoving saves the whole list: renamed, moved, added and
	// removed stages, the deals of removed stages moved as moves says
	// (removed stage → the stage its deals go to), in one transaction.
	SetStagesMoving(ctx context.Context, stages []store.Stage, moves map[int64]int64, by int64) ([]store.Stage, int, error)
	// Pipeline counts each stage's deals; the editor shows them and
	// refuses to remove a stage that holds any.
	Pipeline(ctx context.Context, f store.PipelineFilter) ([]store.StageTotals, error)
}

// Options say who edits.
type Options struct {
	// Me is the current user, who saves the stages.
	Me store.User
}

type state int

const (
	stateLoading state = iota
	stateReady
	stateError
)

// mode is what the keys do now.
type mode int

const (
	modeList   mode = iota
	modeForm        // a stage's name and probability are typed
	modeAsking      // "Discard the changes to the stages? (y/n)" waits
	modeSaving      // SetStagesMoving runs
	modeMoveTo      // a stage with deals is being removed: where do they go?
)

// field is the focused input of the form.
type field int

const (
	fieldName field = iota
	fieldProbability
)

// Model is the stages editor.
type Model struct {
	common.IntentQueue
	c     *common.Common
	store Store
	opts  Options
	keys  KeyMap

	width, height int
	state         state
	errText       string
	mode          mode

	saved   []store.Stage // as read, to tell what changed
	rows    []store.Stage // the list being edited; ID 0 is a new stage
	counts  map[int64]int // deals per stage; nil when unknown
	cursor  int           // the highlighted row
	note    string        // what the last key could not do, as a sentence
	noteOK  bool          // note says what was done rather than refused
	saveErr string        // why the last save was refused

	// moves says where the deals of removed stages go on save: removed
	// stage id → the id of a kept open stage.
	moves map[int64]int64
	// While modeMoveTo asks: the row being removed and the chosen one of
	// its destinations.
	removing, dest int

	// The form: editing rows[editing], or adding (editing -1) after the
	// cursor.
	editing     int
	focus       field
	name        textinput.Model
	probability textinput.Model
	formErr     string
}

// New returns the stages editor.
func New(c *common.Common, s Store, opts Options) *Model {
	m := &Model{c: c, store: s, opts: opts, keys: DefaultKeyMap()}
	m.name = textinput.New()
	m.name.Prompt = ""
	m.name.CharLimit = store.MaxStageNameLen
	m.name.Placeholder = common.Example("demo booked")
	m.probability = textinput.New()
	m.probability.Prompt = ""
	m.probability.CharLimit = 5
	m.probability.Placeholder = common.Example("40")
	m.restyle()
	m.updateKeys()
	return m
}

func (m *Model) restyle() {
	m.name.SetStyles(m.c.Styles.Input)
	m.probability.SetStyles(m.c.Styles.Input)
}

// Title implements common.Screen.
func (m *Model) Title() string { return "Stages" }

// Capturing implements common.Screen: the form takes typed text, and a
// question (discard? where do the deals go?) waits for its answer.
func (m *Model) Capturing() bool {
	return m.mode == modeForm || m.mode == modeAsking || m.mode == modeMoveTo
}

// SetSize implements common.Screen.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = width, height
	w := max(8, min(store.MaxStageNameLen+2, width-labelWidth-2))
	m.name.SetWidth(w)
	m.probability.SetWidth(6)
}

// loadedMsg carries the stages and their deals.
type loadedMsg struct {
	stages []store.Stage
	counts map[int64]int
	err    error
}

// Init implements common.Screen: read the stages and count their deals.
func (m *Model) Init() tea.Cmd {
	ctx, s := m.c.Ctx, m.store
	return func() tea.Msg {
		ss, err := s.Stages(ctx)
		if err != nil {
			return loadedMsg{err: err}
		}
		msg := loadedMsg{stages: ss}
		if totals, err := s.Pipeline(ctx, store.PipelineFilter{}); err == nil {
			msg.counts = map[int64]int{}
			for _, t := range totals {
				msg.counts[t.Stage.ID] = t.Count
			}
		} // without the counts, saving is what refuses to remove a stage in use
		return msg
	}
}

func (m *Model) handleLoaded(msg loadedMsg) {
	if msg.err != nil {
		text := m.c.ErrText(msg.err)
		if text == "" {
			return
		}
		m.state, m.errText = stateError, text
		return
	}
	m.state, m.counts, m.moves = stateReady, msg.counts, map[int64]int64{}
	m.saved = slices.Clone(msg.stages)
	m.rows = slices.Clone(msg.stages)
	m.cursor = 0
}

// Stages returns the list as edited so far.
func (m *Model) Stages() []store.Stage { return slices.Clone(m.rows) }

// Dirty reports whether the list differs from what was read.
func (m *Model) Dirty() bool {
	if m.state != stateReady {
		return false
	}
	if len(m.rows) != len(m.saved) {
		return true
	}
	for i, r := range m.rows {
		s := m.saved[i]
		if r.ID != s.ID || r.Name != s.Name || r.Probability != s.Probability {
			return true
		}
	}
	return false
}

// Unsaved implements common.Unsaved.
func (m *Model) Unsaved() (string, bool) {
	if m.Dirty() || m.mode == modeForm {
		return "the changes to the pipeline's stages", true
	}
	return "", false
}

// closing reports whether s is won or lost.
func closing(s store.Stage) bool { return s.Outcome != store.OutcomeOpen }

// lastOpen is the index after the last open stage.
func (m *Model) lastOpen() int {
	n := 0
	for i, r := range m.rows {
		if !closing(r) {
			n = i + 1
		}
	}
	return n
}

// deals is how many deals row r holds; ok is false when not known.
func (m *Model) deals(r store.Stage) (int, bool) {
	if r.ID == 0 {
		return 0, true
	}
	if m.counts == nil {
		return 0, false
	}
	n := m.counts[r.ID]
	for from, to := range m.moves {
		if to == r.ID {
			n += m.counts[from] // moving here on save
		}
	}
	return n, true
}

// destinations are the rows that may take the deals of row i: the open
// stages already saved (a new one has no deals' place yet), but row i.
func (m *Model) destinations(i int) []int {
	var out []int
	for j, r := range m.rows {
		if j != i && r.ID != 0 && !closing(r) {
			out = append(out, j)
		}
	}
	return out
}

// refuse says why a key did nothing.
func (m *Model) refuse(format string, args ...any) {
	m.note, m.noteOK = common.Sentence(fmt.Sprintf(format, args...)), false
}

// tell says what a key did.
func (m *Model) tell(format string, args ...any) {
	m.note, m.noteOK = common.Sentence(fmt.Sprintf(format, args...)), true
}

// canMove reports whether the highlighted stage may move by dir: open
// stages move among the open ones; won and lost stay at the end.
func (m *Model) canMove(dir int) bool {
	if m.state != stateReady || m.cursor >= len(m.rows) || closing(m.rows[m.cursor]) {
		return false
	}
	to := m.cursor + dir
	return to >= 0 && to < len(m.rows) && !closing(m.rows[to])
}

// move swaps the highlighted stage with its neighbour (K and J are
// disabled where it cannot move, and the help does not offer them).
func (m *Model) move(dir int) {
	if !m.canMove(dir) {
		return
	}
	to := m.cursor + dir
	m.rows[m.cursor], m.rows[to] = m.rows[to], m.rows[m.cursor]
	m.cursor = to
	m.note = ""
}

// remove takes the highlighted stage out of the list, unless it is won or
// lost or holds deals.
func (m *Model) remove() {
	if m.cursor >= len(m.rows) {
		return
	}
	r := m.rows[m.cursor]
	name := common.Printable(r.Name)
	switch n, _ := m.deals(r); {
	case closing(r):
		m.refuse("%s cannot be removed: deals marked %s go there; e renames it", name, r.Outcome)
		return
	case m.lastOpen() == 1:
		m.refuse("%s is the only open stage: the pipeline needs one", name)
		return
	case n > 0:
		dests := m.destinations(m.cursor)
		if len(dests) == 0 {
			m.refuse("%s holds %s and no other saved open stage can take them: save a new stage first", name, countText(n))
			return
		}
		// The next stage down the pipeline first, else the one before.
		m.mode, m.removing, m.dest = modeMoveTo, m.cursor, 0
		for k, j := range dests {
			if j > m.cursor {
				m.dest = k
				break
			}
			m.dest = k
		}
		m.note = ""
		return
	}
	m.drop(m.cursor)
	m.tell("removed %s; enter saves", name)
}

// drop takes row i out of the list.
func (m *Model) drop(i int) {
	m.rows = slices.Delete(m.rows, i, i+1)
	m.cursor = min(i, len(m.rows)-1)
}

// chooseDest moves the choice of where the deals go by dir.
func (m *Model) chooseDest(dir int) {
	n := len(m.destinations(m.removing))
	m.dest = (m.dest + dir + n) % n
}

// confirmMove removes the stage being asked about; its deals, and those
// already bound for it, go to the chosen stage on save.
func (m *Model) confirmMove() {
	r := m.rows[m.removing]
	to := m.rows[m.destinations(m.removing)[m.dest]]
	n, _ := m.deals(r)
	for from, dest := range m.moves {
		if dest == r.ID {
			m.moves[from] = to.ID
		}
	}
	m.moves[r.ID] = to.ID
	m.mode = modeList
	m.drop(m.removing)
	m.tell("removed %s; its %s go to %s when you save", common.Printable(r.Name), countText(n), common.Printable(to.Name))
}

// countText is "1 deal" or "3 deals".
func countText(n int) string {
	if n == 1 {
		return "1 deal"
	}
	return strconv.Itoa(n) + " deals"
}

// openForm starts editing row i, or adding a stage (i -1).
func (m *Model) openForm(i int) tea.Cmd {
	if i < 0 && len(m.rows) >= store.MaxStages {
		m.refuse("a pipeline has at most %d stages", store.MaxStages)
		return nil
	}
	m.mode, m.editing, m.formErr, m.note = modeForm, i, "", ""
	m.name.Reset()
	m.probability.Reset()
	if i >= 0 {
		m.name.SetValue(m.rows[i].Name)
		m.probability.SetValue(strconv.Itoa(m.rows[i].Probability))
	}
	return m.focusField(fieldName)
}

func (m *Model) focusField(f field) tea.Cmd {
	m.focus = f
	m.name.Blur()
	m.probability.Blur()
	if f == fieldName {
		return m.name.Focus()
	}
	return m.probability.Focus()
}

func (m *Model) closeForm() {
	m.mode = modeList
	m.name.Blur()
	m.probability.Blur()
}

// parseProbability reads a percentage: "40", "40%" or "40 %".
func parseProbability(s string) (int, error) {
	t := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	if t == "" {
		return 0, fmt.Errorf("give the probability, a percentage from 0 to 100: a deal's expected value is its value × that")
	}
	p, err := strconv.Atoi(t)
	if err != nil {
		return 0, fmt.Errorf("%q is not a probability: type a percentage from 0 to 100, like 40", common.Printable(s))
	}
	if p < 0 || p > 100 {
		return 0, fmt.Errorf("the probability is a percentage from 0 to 100, not %d", p)
	}
	return p, nil
}

// applyForm puts the form's stage into the list, or says why it cannot
// and leaves the list as it was. The store checks the rest on save.
func (m *Model) applyForm() tea.Cmd {
	name := strings.TrimSpace(m.name.Value())
	if name == "" {
		m.formErr = "Give the stage a name."
		return m.focusField(fieldName)
	}
	for i, r := range m.rows {
		if i != m.editing && strings.EqualFold(r.Name, name) {
			m.formErr = common.Sentence(fmt.Sprintf("there is already a stage called %s: give each its own name", common.Printable(r.Name)))
			return m.focusField(fieldName)
		}
	}
	p, err := parseProbability(m.probability.Value())
	if err != nil {
		m.formErr = common.Sentence(err.Error())
		return m.focusField(fieldProbability)
	}
	if m.editing >= 0 {
		m.rows[m.editing].Name, m.rows[m.editing].Probability = name, p
		m.tell("changed %s; enter saves", common.Printable(name))
	} else {
		at := m.lastOpen()
		if m.cursor < len(m.rows) && !closing(m.rows[m.cursor]) {
			at = m.cursor + 1
		}
		m.rows = slices.Insert(m.rows, at, store.Stage{Name: name, Probability: p, Outcome: store.OutcomeOpen})
		m.cursor = at
		m.tell("added %s; enter saves", common.Printable(name))
	}
	m.closeForm()
	return nil
}

// SavedMsg is the intent posted once the stages are saved: the root
// closes the editor and tells the Pipeline.
type SavedMsg struct{ Stages []store.Stage }

// savedMsg is the result of SetStagesMoving.
type savedMsg struct {
	stages []store.Stage
	moved  int // deals moved out of removed stages
	err    error
}

// save writes the whole list in one SetStagesMoving; nothing changed goes back
// without writing.
func (m *Model) save() tea.Cmd {
	if !m.Dirty() {
		m.Post(common.BackMsg{})
		return nil
	}
	m.mode, m.saveErr, m.note = modeSaving, "", ""
	ctx, s, rows, by := m.c.Ctx, m.store, m.Stages(), m.opts.Me.ID
	moves := maps.Clone(m.moves)
	return func() tea.Msg {
		saved, moved, err := s.SetStagesMoving(ctx, rows, moves, by)
		return savedMsg{stages: saved, moved: moved, err: err}
	}
}

func (m *Model) handleSaved(msg savedMsg) {
	m.mode = modeList
	if msg.err != nil {
		m.saveErr = common.Sentence(common.Refusal(m.c, msg.err)) // a role's refusal, too
		return
	}
	m.saved, m.rows, m.moves = slices.Clone(msg.stages), slices.Clone(msg.stages), map[int64]int64{}
	names := make([]string, len(msg.stages))
	for i, s := range msg.stages {
		names[i] = common.Printable(s.Name)
	}
	text := "Saved the pipeline's stages: " + strings.Join(names, ", ")
	if msg.moved > 0 {
		text += "; moved " + countText(msg.moved)
	}
	m.Post(common.StatusMsg{Text: text, Level: common.LevelSuccess})
	m.Post(SavedMsg{Stages: msg.stages})
}
