package common

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxPathMatches bounds the names a completion returns, so that Tab in a
// folder of a million files stays a small answer.
const maxPathMatches = 200

// ExpandHome returns path with a leading "~" or "~/" replaced by home. Other
// paths ("~bob/x", "a/~"), and every path when home is "", come back
// unchanged.
func ExpandHome(path, home string) string {
	if home == "" {
		return path
	}
	if path == "~" {
		return home
	}
	if rest, ok := strings.CutPrefix(path, "~/"); ok {
		return filepath.Join(home, rest)
	}
	return path
}

// PathCompletion is what Tab makes of a typed path.
type PathCompletion struct {
	// Value is the typed text extended by what every match shares, with "/"
	// appended when exactly one folder matches. It keeps the user's own
	// spelling ("~/Dow" becomes "~/Downloads/", not "/home/ann/Downloads/").
	Value string
	// Matches are the names in the folder that begin with the last element
	// typed, sorted, folders ending in "/"; more than one means the user has
	// more to type. At most 200 are returned.
	Matches []string
}

// CompletePath completes a typed file path the way a shell's Tab does: it
// lists the folder the path points into (after ExpandHome with home) and
// extends the last element by the longest prefix the matching names share.
// Hidden names are offered only when the element typed starts with ".", and
// names holding control characters never are. It reads one folder, so a TUI
// calls it from a command, never in Update.
func CompletePath(typed, home string) (PathCompletion, error) {
	if typed == "~" {
		typed = "~/"
	}
	dirTyped, prefix := splitTyped(typed)
	dir := ExpandHome(dirTyped, home)
	if dir == "" {
		dir = "."
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return PathCompletion{Value: typed}, fmt.Errorf("complete %s: %w", typed, err)
	}
	var names []string
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, prefix) || hasControl(name) ||
			(strings.HasPrefix(name, ".") && !strings.HasPrefix(prefix, ".")) {
			continue
		}
		if isDir(dir, e) {
			name += "/"
		}
		names = append(names, name)
	}
	slices.Sort(names)
	out := PathCompletion{Value: typed, Matches: names[:min(len(names), maxPathMatches)]}
	if len(names) == 0 {
		return out, nil
	}
	common := names[0]
	for _, n := range names[1:] {
		common = sharedPrefix(common, n)
	}
	if len(names) > 1 {
		common = strings.TrimSuffix(common, "/")
	}
	out.Value = dirTyped + common
	return out, nil
}

// splitTyped cuts a typed path after its last separator: the folder part
// as typed, and the start of the name to complete.
func splitTyped(typed string) (dir, prefix string) {
	i := strings.LastIndex(typed, string(filepath.Separator))
	if i < 0 {
		return "", typed
	}
	return typed[:i+1], typed[i+1:]
}

// isDir reports whether an entry is a folder, following a symlink to one.
func isDir(dir string, e os.DirEntry) bool {
	if e.IsDir() {
		return true
	}
	if e.Type()&os.ModeSymlink == 0 {
		return false
	}
	fi, err := os.Stat(filepath.Join(dir, e.Name()))
	return err == nil && fi.IsDir()
}

// sharedPrefix is the longest prefix of a and b that ends on a whole rune.
func sharedPrefix(a, b string) string {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	for n > 0 && n < len(a) && !utf8.RuneStart(a[n]) {
		n--
	}
	return a[:n]
}

func hasControl(s string) bool {
	return strings.ContainsFunc(s, unicode.IsControl)
}
