package tui

import (
	"context"
	"testing"

	"github.com/leadmail/leadmail/tui/internal/tuitest"
	"github.com/leadmail/leadmail/tui/screens/contacts"
	importscreen "github.com/leadmail/leadmail/tui/screens/importer"
)

type nopImporter struct{}

func (nopImporter) Preview(context.Context, string) (ImportPreview, error) {
	return ImportPreview{}, nil
}

func (nopImporter) Import(context.Context, string, ImportOptions, func(importscreen.Progress)) (ImportReport, error) {
	return ImportReport{}, nil
}

func TestImportFromContacts(t *testing.T) {
	t.Run("without an importer i does nothing", func(t *testing.T) {
		a := newApp(t, 120, 40)
		a.update(tuitest.Key("i"))
		if _, ok := a.top().(*contacts.Model); !ok {
			t.Fatalf("i opened %T", a.top())
		}
	})
	a := newApp(t, 120, 40, func(o *Options) { o.Importer = nopImporter{} })
	a.update(tuitest.Key("i")) // not pumped: the prompt's cursor blinks forever
	if _, ok := a.top().(*importscreen.Model); !ok {
		t.Fatalf("i opened %T, want the Import screen", a.top())
	}
	a.update(tuitest.Key("esc"))
	if _, ok := a.top().(*contacts.Model); !ok || len(a.stack) != 1 {
		t.Fatalf("esc: on %T with %d screens", a.top(), len(a.stack))
	}
}
