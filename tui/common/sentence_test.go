package common

import (
	"fmt"
	"testing"

	"github.com/leadmail/leadmail/store"
)

func TestSentence(t *testing.T) {
	for in, want := range map[string]string{
		"":                          "",
		"  the note is empty  ":     "The note is empty.",
		"élodie has no email":       "Élodie has no email.",
		"already a sentence.":       "Already a sentence.",
		"send anyway?":              "Send anyway?",
		"ärger":                     "Ärger.",
		"δ is not a number of days": "Δ is not a number of days.",
	} {
		if got := Sentence(in); got != want {
			t.Errorf("Sentence(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRefusalText(t *testing.T) {
	err := fmt.Errorf("edit contact 4: %w: the email %q is not an address", store.ErrInvalid, "x")
	if got, want := RefusalText(err), `The email "x" is not an address.`; got != want {
		t.Errorf("RefusalText = %q, want %q", got, want)
	}
	if got, want := RefusalText(fmt.Errorf("disk full")), "Disk full."; got != want {
		t.Errorf("RefusalText = %q, want %q", got, want)
	}
}
