package common

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestExpandHome(t *testing.T) {
	for _, tc := range []struct{ in, home, want string }{
		{"~", "/home/ann", "/home/ann"},
		{"~/a.csv", "/home/ann", "/home/ann/a.csv"},
		{"~bob/a.csv", "/home/ann", "~bob/a.csv"},
		{"a/~/b", "/home/ann", "a/~/b"},
		{"~/a.csv", "", "~/a.csv"},
		{"/tmp/x", "/home/ann", "/tmp/x"},
	} {
		if got := ExpandHome(tc.in, tc.home); got != tc.want {
			t.Errorf("ExpandHome(%q, %q) = %q, want %q", tc.in, tc.home, got, tc.want)
		}
	}
}

func TestCompletePath(t *testing.T) {
	home := t.TempDir()
	for _, d := range []string{"Downloads", "Documents", "Desktop"} {
		if err := os.Mkdir(filepath.Join(home, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"Downloads/contacts.csv", "Downloads/contacts-2024.csv",
		"Downloads/leads.vcf", ".hidden", "Downloads/bad\x1bname.csv", "Downloads/café-été.csv", "Downloads/café-hiver.csv"} {
		if err := os.WriteFile(filepath.Join(home, f), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name, typed, want string
		matches           []string
	}{
		{"one folder gets a slash", "~/Dow", "~/Downloads/", []string{"Downloads/"}},
		{"shared prefix only", "~/D", "~/D", []string{"Desktop/", "Documents/", "Downloads/"}},
		{"common stem", "~/De", "~/Desktop/", []string{"Desktop/"}},
		{"files share a stem", "~/Downloads/con", "~/Downloads/contacts", []string{"contacts-2024.csv", "contacts.csv"}},
		{"unique file", "~/Downloads/l", "~/Downloads/leads.vcf", []string{"leads.vcf"}},
		{"tilde alone", "~", "~/D", []string{"Desktop/", "Documents/", "Downloads/"}},
		{"hidden only when asked", "~/.h", "~/.hidden", []string{".hidden"}},
		{"control characters never offered", "~/Downloads/b", "~/Downloads/b", nil},
		{"cut on a whole rune", "~/Downloads/caf", "~/Downloads/café-", []string{"café-hiver.csv", "café-été.csv"}},
		{"absolute path", home + "/Downloads/lea", home + "/Downloads/leads.vcf", []string{"leads.vcf"}},
		{"no match keeps the text", "~/zz", "~/zz", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := CompletePath(tc.typed, home)
			if err != nil {
				t.Fatal(err)
			}
			if got.Value != tc.want || !slices.Equal(got.Matches, tc.matches) {
				t.Errorf("CompletePath(%q) = %q %q, want %q %q", tc.typed, got.Value, got.Matches, tc.want, tc.matches)
			}
		})
	}
	t.Run("missing folder is an error and keeps the text", func(t *testing.T) {
		got, err := CompletePath("~/nope/x", home)
		if err == nil || got.Value != "~/nope/x" {
			t.Errorf("CompletePath = %q, %v; want the text kept and an error", got.Value, err)
		}
	})
}
