package tui

import (
	"strings"
	"testing"

	"github.com/leadmail/leadmail/tui/internal/tuitest"
)

func TestTrust20OfflineHeaderSeparated(t *testing.T) {
	a := newApp(t, 120, 40, func(o *Options) { o.UserName, o.NoColor = "Sam Rivera", true })
	a.demo = demoStopped
	head := tuitest.Strip(a.headerView())
	if !strings.Contains(head, "mail server: stopped · Sam Rivera") {
		t.Errorf("the header runs together: %q", head)
	}
	if !strings.Contains(head, "   mail server") {
		t.Errorf("no gap between the breadcrumb and the right side: %q", head)
	}
}

func TestTrust20FooterHasNoStrayBullet(t *testing.T) {
	for _, width := range []int{40, 60, 80, 120} {
		a := newApp(t, width, 24)
		for _, typing := range []bool{false, true} {
			if typing {
				a.press(t, "/") // the search takes typed text, ? included
			}
			foot := strings.TrimSpace(tuitest.Strip(a.footerView()))
			if strings.HasSuffix(foot, "•") || strings.HasPrefix(foot, "•") || strings.Contains(foot, "• •") {
				t.Errorf("width %d, typing %v: stray bullet in %q", width, typing, foot)
			}
		}
	}
}
