package outbox

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/leadmail/leadmail/mail"
)

// Attachment is a file a Personalized message carries. Path is read when the
// message is composed; Name is the file name the recipient sees.
type Attachment struct {
	Path        string
	Name        string
	ContentType string
	Size        int64
}

// MaxAttachmentBytes is the configured limit on the attachments of one
// message, together.
func (s *Service) MaxAttachmentBytes() int64 {
	return int64(s.cfg.MaxAttachmentMB) << 20
}

// CheckAttachment checks the file at path before it is added to a message
// that already has the attachments have, and describes it. It refuses a
// fifth file (S4), a file that would take the total over
// sending.max_attachment_mb, a directory, and a file that cannot be read.
// The content type comes from the extension, else from the first bytes.
func (s *Service) CheckAttachment(path string, have []Attachment) (Attachment, error) {
	if len(have) >= mail.MaxAttachments {
		return Attachment{}, refuse("a message carries at most %d attachments (S4): remove one first", mail.MaxAttachments)
	}
	var total int64
	for _, a := range have {
		total += a.Size
	}
	return s.checkFile(path, total)
}

func (s *Service) checkFile(path string, others int64) (Attachment, error) {
	name := filepath.Base(path)
	f, err := os.Open(path)
	if err != nil {
		return Attachment{}, refuse("cannot read %s: %v", path, unwrapPath(err))
	}
	defer func() { _ = f.Close() }()
	fi, err := f.Stat()
	if err != nil {
		return Attachment{}, refuse("cannot read %s: %v", path, unwrapPath(err))
	}
	if fi.IsDir() {
		return Attachment{}, refuse("%s is a folder: attach files one by one", path)
	}
	if !fi.Mode().IsRegular() {
		return Attachment{}, refuse("%s is not a regular file", path)
	}
	head := make([]byte, 512)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return Attachment{}, refuse("cannot read %s: %v", path, unwrapPath(err))
	}
	if limit := s.MaxAttachmentBytes(); others+fi.Size() > limit {
		return Attachment{}, refuse("%s (%s) would take the attachments to %s, over the %d MB limit per message (sending.max_attachment_mb)",
			name, humanSize(fi.Size()), humanSize(others+fi.Size()), s.cfg.MaxAttachmentMB)
	}
	ct := mime.TypeByExtension(strings.ToLower(filepath.Ext(name)))
	if ct == "" {
		ct = http.DetectContentType(head[:n])
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	return Attachment{Path: abs, Name: name, ContentType: ct, Size: fi.Size()}, nil
}

// loadAttachments checks the attachments again (files change) and reads
// them for composition.
func (s *Service) loadAttachments(as []Attachment) ([]mail.Attachment, error) {
	if len(as) > mail.MaxAttachments {
		return nil, refuse("a message carries at most %d attachments (S4); this one has %d", mail.MaxAttachments, len(as))
	}
	var total int64
	out := make([]mail.Attachment, 0, len(as))
	for _, a := range as {
		got, err := s.checkFile(a.Path, total)
		if err != nil {
			return nil, err
		}
		data, err := os.ReadFile(a.Path)
		if err != nil {
			return nil, refuse("cannot read %s: %v", a.Path, unwrapPath(err))
		}
		total += int64(len(data))
		if total > s.MaxAttachmentBytes() {
			return nil, refuse("the attachments weigh %s, over the %d MB limit per message (sending.max_attachment_mb)",
				humanSize(total), s.cfg.MaxAttachmentMB)
		}
		name := firstNonEmpty(a.Name, got.Name)
		ct := firstNonEmpty(a.ContentType, got.ContentType)
		out = append(out, mail.Attachment{Filename: name, ContentType: ct, Data: data})
	}
	return out, nil
}

// unwrapPath drops the path from an *os.PathError, which the sentence
// already names.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func humanSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
