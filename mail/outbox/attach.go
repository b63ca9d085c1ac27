package outbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"

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
	f, a, err := s.openAttachment(path, others)
	if err != nil {
		return Attachment{}, err
	}
	defer func() { _ = f.Close() }() // read-only
	if a.ContentType == "" {
		head := make([]byte, 512)
		n, err := io.ReadFull(f, head)
		if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
			return Attachment{}, refuse("cannot read %s: %v", path, unwrapPath(err))
		}
		a.ContentType = http.DetectContentType(head[:n])
	}
	return a, nil
}

// openAttachment opens the file at path and checks it before a byte is
// read: a regular file (a FIFO or a device such as /dev/zero would hang
// the read or never end it, so the open does not block), small enough
// that with others bytes already attached it stays under the limit. The
// content type comes from the extension, "" if it has none.
func (s *Service) openAttachment(path string, others int64) (*os.File, Attachment, error) {
	name := filepath.Base(path)
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, Attachment{}, refuse("cannot read %s: %v", path, unwrapPath(err))
	}
	fi, err := f.Stat()
	switch {
	case err != nil:
		err = refuse("cannot read %s: %v", path, unwrapPath(err))
	case fi.IsDir():
		err = refuse("%s is a folder: attach files one by one", path)
	case fi.Mode()&os.ModeNamedPipe != 0:
		err = refuse("%s is a named pipe (FIFO), not a file: save it to a file first", path)
	case fi.Mode()&os.ModeDevice != 0:
		err = refuse("%s is a device, not a file", path)
	case !fi.Mode().IsRegular():
		err = refuse("%s is not a regular file", path)
	case others+fi.Size() > s.MaxAttachmentBytes():
		err = s.overLimit(name, fi.Size(), others)
	}
	if err != nil {
		_ = f.Close() // read-only
		return nil, Attachment{}, err
	}
	abs, aerr := filepath.Abs(path)
	if aerr != nil {
		abs = path
	}
	ct := mime.TypeByExtension(strings.ToLower(filepath.Ext(name)))
	return f, Attachment{Path: abs, Name: name, ContentType: ct, Size: fi.Size()}, nil
}

func (s *Service) overLimit(name string, size, others int64) error {
	return refuse("%s (%s) would take the attachments to %s, over the %d MB limit per message (sending.max_attachment_mb)",
		name, humanSize(size), humanSize(others+size), s.cfg.MaxAttachmentMB)
}

// loadAttachmentsContext checks the attachments again (files change) and
// reads them for composition, each read bounded by what the size limit
// leaves and stopped when ctx is done.
func (s *Service) loadAttachmentsContext(ctx context.Context, as []Attachment) ([]mail.Attachment, error) {
	if len(as) > mail.MaxAttachments {
		return nil, refuse("a message carries at most %d attachments (S4); this one has %d", mail.MaxAttachments, len(as))
	}
	var total int64
	out := make([]mail.Attachment, 0, len(as))
	for _, a := range as {
		data, got, err := s.readAttachment(ctx, a.Path, total)
		if err != nil {
			return nil, err
		}
		total += int64(len(data))
		name := firstNonEmpty(a.Name, got.Name)
		ct := firstNonEmpty(a.ContentType, got.ContentType, http.DetectContentType(data))
		out = append(out, mail.Attachment{Filename: name, ContentType: ct, Data: data})
	}
	return out, nil
}

// readAttachment reads the attachment at path, others bytes attached
// before it: no more than the limit leaves, in case it grew since the
// check.
func (s *Service) readAttachment(ctx context.Context, path string, others int64) ([]byte, Attachment, error) {
	f, a, err := s.openAttachment(path, others)
	if err != nil {
		return nil, Attachment{}, err
	}
	defer func() { _ = f.Close() }() // read-only
	left := s.MaxAttachmentBytes() - others
	data := make([]byte, 0, min(a.Size, left)+1)
	for {
		if err := ctx.Err(); err != nil {
			return nil, Attachment{}, err
		}
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)] // it grew since the stat
		}
		n, err := f.Read(data[len(data):min(cap(data), len(data)+readChunk)])
		data = data[:len(data)+n]
		switch {
		case int64(len(data)) > left:
			return nil, Attachment{}, refuse("%s grew over the %d MB limit per message (sending.max_attachment_mb) since it was attached",
				a.Name, s.cfg.MaxAttachmentMB)
		case errors.Is(err, io.EOF):
			return data, a, nil
		case err != nil:
			return nil, Attachment{}, refuse("cannot read %s: %v", path, unwrapPath(err))
		}
	}
}

// readChunk is how much of an attachment is read between two looks at
// the context.
const readChunk = 256 << 10

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
