package localsmtp

import (
	"bytes"
	"fmt"
	"net/mail"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-smtp"
)

// deliver records a message and, with a mailbox directory, saves it. A
// message that cannot be saved is refused with 451, as a real server with a
// full disk would, so the client keeps it queued.
func (s *Server) deliver(m Received) error {
	var path string
	if s.cfg.MailboxDir != "" {
		var err error
		if path, err = s.save(m.Data); err != nil {
			s.log.Error("local SMTP server cannot store a message", "err", err)
			return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Cannot store the message, try again later"}
		}
	}
	s.mu.Lock()
	s.messages = append(s.messages, m)
	s.mu.Unlock()
	s.log.Info("local SMTP server received a message", "from", m.From, "rcpts", len(m.To), "bytes", len(m.Data), "file", path)
	if s.cfg.OnReceive != nil {
		m.To = slices.Clone(m.To)
		s.cfg.OnReceive(m)
	}
	return nil
}

// save writes data to a temporary file and renames it into place, so a
// reader of the directory never sees half a message.
func (s *Server) save(data []byte) (string, error) {
	name := fmt.Sprintf("%d-%s.eml", s.stamp(), fileSafe(messageID(data)))
	tmp, err := os.CreateTemp(s.cfg.MailboxDir, ".incoming-*")
	if err != nil {
		return "", err
	}
	defer func() { _ = os.Remove(tmp.Name()) }() // fails harmlessly after the rename
	if _, err := tmp.Write(data); err != nil {
		_ = tmp.Close()
		return "", err
	}
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close()
		return "", err
	}
	if err := tmp.Close(); err != nil {
		return "", err
	}
	path := filepath.Join(s.cfg.MailboxDir, name)
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", err
	}
	return path, nil
}

// stamp returns the current unix nanoseconds, strictly increasing, so two
// messages never share a file name and names sort in arrival order.
func (s *Server) stamp() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := time.Now().UnixNano()
	if n <= s.lastStamp {
		n = s.lastStamp + 1
	}
	s.lastStamp = n
	return n
}

func messageID(data []byte) string {
	m, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		return ""
	}
	return strings.Trim(strings.TrimSpace(m.Header.Get("Message-Id")), "<>")
}

// fileSafe keeps a Message-ID readable in a file name without letting it
// name a path or a device.
func fileSafe(id string) string {
	var b strings.Builder
	for _, r := range id {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_', r == '@':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
		if b.Len() >= 100 {
			break
		}
	}
	out := strings.Trim(b.String(), ".")
	if out == "" {
		return "no-message-id"
	}
	return out
}
