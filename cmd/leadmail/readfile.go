package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// maxTextFile bounds the Markdown files a command reads whole: a message
// body (--body-file), a signature, a template.
const maxTextFile = 1 << 20

// openUserFile opens the file at path, named by the user, for reading. It
// is the one way a command opens such a file: a regular file only, since a
// FIFO, a device such as /dev/zero or a folder would hang the command or
// feed it without end. The open does not block, so a FIFO with no writer
// is refused rather than waited on.
func openUserFile(path string) (*os.File, fs.FileInfo, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, nil, userFileError(path, err)
	}
	fi, err := f.Stat()
	if err == nil {
		err = notRegular(path, fi.Mode())
	}
	if err != nil {
		_ = f.Close() // read-only
		return nil, nil, err
	}
	return f, fi, nil
}

// readUserFile reads the whole of the user's file at path: a regular file
// of at most limit bytes (a bigger one is refused before it is read), the
// read stopped when ctx is done.
func readUserFile(ctx context.Context, path string, limit int64) ([]byte, error) {
	f, fi, err := openUserFile(path)
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }() // read-only
	if fi.Size() > limit {
		return nil, tooBig(path, limit)
	}
	data, err := io.ReadAll(io.LimitReader(ctxReader{ctx: ctx, r: f}, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if int64(len(data)) > limit { // it grew since the stat
		return nil, tooBig(path, limit)
	}
	return data, nil
}

func tooBig(path string, limit int64) error {
	size := fmt.Sprintf("%d KB", limit>>10)
	if limit%(1<<20) == 0 {
		size = fmt.Sprintf("%d MB", limit>>20)
	}
	return fmt.Errorf("%s is larger than %s, the most leadmail reads here", path, size)
}

// notRegular says why a file of mode m cannot be read as a file, or nil.
func notRegular(path string, m fs.FileMode) error {
	switch {
	case m.IsRegular():
		return nil
	case m.IsDir():
		return fmt.Errorf("%s is a folder, not a file", path)
	case m&fs.ModeNamedPipe != 0:
		return fmt.Errorf("%s is a named pipe (FIFO), not a file: save it to a file first", path)
	case m&fs.ModeDevice != 0:
		return fmt.Errorf("%s is a device, not a file", path)
	}
	return fmt.Errorf("%s is not a regular file", path)
}

// userFileError turns a failed open into a sentence that names path.
func userFileError(path string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("no such file: %s", path)
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("cannot read %s: permission denied", path)
	}
	return fmt.Errorf("open %s: %w", path, err)
}

// ctxReader makes a long read cancellable: each Read first checks ctx.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
