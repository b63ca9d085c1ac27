package emails

import (
	"fmt"
	"strings"
	"testing"

	"github.com/leadmail/leadmail/store"
	"github.com/leadmail/leadmail/tui/internal/tuitest"
)

// addSignatures gives the world's sender two signatures, Short the default.
func addSignatures(t *testing.T, w *tuitest.World) (short, long store.Signature) {
	t.Helper()
	short = store.Signature{UserID: w.User.ID, Name: "Short", Body: "{{user.name}}", IsDefault: true}
	long = store.Signature{UserID: w.User.ID, Name: "Full", Body: "{{user.name}}\n{{user.title}} · {{user.phone}}"}
	for _, s := range []*store.Signature{&short, &long} {
		if err := w.DB.CreateSignature(t.Context(), s); err != nil {
			t.Fatal(err)
		}
	}
	return short, long
}

func sigNames(t *testing.T, w *tuitest.World) []string {
	t.Helper()
	list, err := w.DB.ListSignatures(t.Context(), w.User.ID)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, s := range list {
		name := s.Name
		if s.IsDefault {
			name += "*"
		}
		out = append(out, name)
	}
	return out
}

func TestSignaturesGolden(t *testing.T) {
	w := tuitest.NewWorld(t)
	addSignatures(t, w)
	for _, size := range sizes {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			m := screen(t, w, size.w, size.h)
			m.press(t, tuitest.Key("s"))
			if m.view != viewSignatures || len(m.sigs.items) != 2 || !m.sigs.items[0].IsDefault {
				t.Fatalf("view %v, signatures %+v", m.view, m.sigs.items)
			}
			tuitest.Golden(t, m.View())
		})
	}
}

func TestSignatureOnlyUserVariables(t *testing.T) {
	w := tuitest.NewWorld(t)
	m := screen(t, w, 120, 40)
	m.press(t, tuitest.Key("s"), tuitest.Key("n"))
	if m.view != viewSigEditor {
		t.Fatalf("view %v, want the signature editor", m.view)
	}
	m.typeText(t, "Friendly")
	m.press(t, tuitest.Key("tab"))
	m.typeText(t, "Cheers, {{first_name}}")
	m.press(t, tuitest.Key("ctrl+s"))
	p := m.sig.problem
	if p == nil || p.line != 1 || p.col != 9 || !strings.Contains(p.msg, "user.*") {
		t.Fatalf("problem = %+v, want first_name refused at 1:9", p)
	}
	if got := sigNames(t, w); len(got) != 0 {
		t.Fatalf("stored %v despite the error", got)
	}
	if !strings.Contains(tuitest.Strip(m.View()), "✗ line 1, column 9") {
		t.Error("the error is not shown inline")
	}
	m.press(t, tuitest.Key("end")) // the cursor went to the error
	for range len("{{first_name}}") {
		m.press(t, tuitest.Key("backspace"))
	}
	m.typeText(t, "{{user.name}}")
	m.press(t, tuitest.Key("ctrl+s"))
	if m.view != viewSignatures {
		t.Fatalf("view %v after a good save, problem %+v, err %q", m.view, m.sig.problem, m.sig.saveErr)
	}
	// The user's first signature becomes their default.
	if got := sigNames(t, w); len(got) != 1 || got[0] != "Friendly*" {
		t.Errorf("stored %v", got)
	}
}

func TestSignatureDefaultAndDelete(t *testing.T) {
	w := tuitest.NewWorld(t)
	addSignatures(t, w)
	m := screen(t, w, 120, 40)
	m.press(t, tuitest.Key("s"))
	if m.keys.Default.Enabled() {
		t.Error("the default is already the default: m must be disabled")
	}
	m.press(t, tuitest.Key("down"), tuitest.Key("m"))
	if got := sigNames(t, w); strings.Join(got, ",") != "Full*,Short" {
		t.Fatalf("signatures %v, want Full the default", got)
	}
	if s, _ := m.sigs.selected(); s.Name != "Full" {
		t.Errorf("cursor on %q, want Full", s.Name)
	}
	m.press(t, tuitest.Key("down"), tuitest.Key("x"))
	if !strings.Contains(tuitest.Strip(m.View()), "Delete the signature “Short”? (y/n)") {
		t.Fatalf("no question:\n%s", tuitest.Strip(m.View()))
	}
	m.press(t, tuitest.Key("y"))
	if got := sigNames(t, w); strings.Join(got, ",") != "Full*" {
		t.Errorf("signatures %v after delete", got)
	}
	m.press(t, tuitest.Key("q"))
	if m.view != viewList || len(m.Intents()) == 0 {
		t.Errorf("q goes back to the emails list, view %v", m.view)
	}
}

func TestSignatureEditAsksBeforeDiscarding(t *testing.T) {
	w := tuitest.NewWorld(t)
	addSignatures(t, w)
	m := screen(t, w, 120, 40)
	m.press(t, tuitest.Key("s"), tuitest.Key("enter"))
	m.typeText(t, "!")
	m.press(t, tuitest.Key("esc"))
	if m.prompt != promptDiscardSig {
		t.Fatalf("prompt %v", m.prompt)
	}
	m.press(t, tuitest.Key("y"))
	if m.view != viewSignatures {
		t.Errorf("view %v", m.view)
	}
	if got := sigNames(t, w); strings.Join(got, ",") != "Short*,Full" {
		t.Errorf("signatures %v changed", got)
	}
}
