package personalize

import (
	"fmt"
	"os"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/tui/common"
)

// attachedMsg is the outbox's verdict on a file being attached.
type attachedMsg struct {
	typed string
	att   outbox.Attachment
	err   error
}

// attach checks the typed path with the outbox and lists the file.
func (m *Model) attach() tea.Cmd {
	typed := strings.TrimSpace(m.attachIn.Value())
	have := append([]outbox.Attachment(nil), m.files...)
	m.checking++
	m.attachErr = ""
	mailer := m.mailer
	return func() tea.Msg {
		home, _ := os.UserHomeDir() // "" leaves a leading ~ as typed
		a, err := mailer.CheckAttachment(common.ExpandHome(typed, home), have)
		return attachedMsg{typed: typed, att: a, err: err}
	}
}

func (m *Model) handleAttached(msg attachedMsg) tea.Cmd {
	m.checking = max(0, m.checking-1)
	if msg.err != nil {
		m.attachErr = m.c.ErrText(msg.err)
		return nil
	}
	if len(m.files) >= MaxAttachments {
		m.attachErr = fmt.Sprintf("At most %d attachments per message", MaxAttachments)
		return nil
	}
	m.files = append(m.files, msg.att)
	m.fileCursor = len(m.files) - 1
	if strings.TrimSpace(m.attachIn.Value()) == msg.typed {
		m.attachIn.Reset()
	}
	return m.schedulePreview()
}

// completedMsg is what Tab made of the path typed.
type completedMsg struct {
	typed string
	done  common.PathCompletion
	err   error
}

// completePath completes the typed path as a shell's Tab does; the folder
// is read in the command.
func (m *Model) completePath() tea.Cmd {
	typed := m.attachIn.Value()
	m.attachErr, m.pathMatches = "", nil
	return func() tea.Msg {
		home, _ := os.UserHomeDir()
		c, err := common.CompletePath(typed, home)
		return completedMsg{typed: typed, done: c, err: err}
	}
}

// handleCompleted fills in the completion unless the user typed on since.
func (m *Model) handleCompleted(msg completedMsg) {
	if m.attachIn.Value() != msg.typed {
		return
	}
	switch {
	case msg.err != nil:
		m.attachErr = "No folder to complete in: " + msg.typed
	case len(msg.done.Matches) == 0:
		m.attachErr = "No file name starts with " + msg.typed
	default:
		m.attachIn.SetValue(msg.done.Value)
		m.attachIn.CursorEnd()
		if len(msg.done.Matches) > 1 {
			m.pathMatches = msg.done.Matches
		}
	}
}

func (m *Model) removeAttachment() tea.Cmd {
	if m.fileCursor < 0 || m.fileCursor >= len(m.files) {
		return nil
	}
	m.files = append(m.files[:m.fileCursor:m.fileCursor], m.files[m.fileCursor+1:]...)
	m.fileCursor = max(0, min(m.fileCursor, len(m.files)-1))
	m.attachErr = ""
	return m.schedulePreview()
}

func (m *Model) attachCount() string {
	return fmt.Sprintf("%d of %d  ", len(m.files), MaxAttachments)
}

func (m *Model) attachmentLines(w int) []string {
	st := m.c.Styles
	value := st.Muted.Render(m.attachCount())
	switch {
	case m.focus == fieldAttachments && len(m.files) < MaxAttachments:
		value += m.attachIn.View()
	case m.attachIn.Value() != "":
		value += st.Value.Render(m.attachIn.Value())
	}
	lines := []string{m.row(fieldAttachments, "Attachments", value)}
	for i, a := range m.files {
		marker := "  "
		if m.focus == fieldAttachments && i == m.fileCursor {
			marker = st.Marker.Render("› ")
		}
		lines = append(lines, sub(marker+st.Value.Render(a.Name)+st.Muted.Render(
			fmt.Sprintf("  %s  %s", common.Size(int(a.Size)), a.ContentType))))
	}
	if m.focus == fieldAttachments && len(m.pathMatches) > 0 {
		names := ansi.Strip(strings.Join(m.pathMatches, "  "))
		lines = append(lines, sub(st.Muted.Render(ansi.Truncate(names, max(1, w), "…"))))
	}
	switch {
	case m.checking > 0:
		lines = append(lines, sub(st.StatusInfo.Render("Checking the file…")))
	case m.attachErr != "":
		for _, l := range strings.Split(ansi.Wrap("✗ "+m.attachErr, w, ""), "\n") {
			lines = append(lines, sub(st.ErrorText.Render(l)))
		}
	}
	return lines
}
