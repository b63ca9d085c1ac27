package common

import "testing"

func TestMoveCursor(t *testing.T) {
	tests := []struct {
		name                              string
		cursor, offset, delta, n, visible int
		wantCursor, wantOffset            int
	}{
		{"down inside the window", 2, 0, 1, 20, 5, 3, 0},
		{"down past the window scrolls", 4, 0, 1, 20, 5, 5, 1},
		{"up past the window scrolls", 5, 5, -1, 20, 5, 4, 4},
		{"page down stops at the end", 3, 0, 100, 20, 5, 19, 15},
		{"home", 19, 15, -20, 20, 5, 0, 0},
		{"empty list", 3, 2, 1, 0, 5, 0, 0},
		{"list shorter than the window", 1, 0, 1, 3, 10, 2, 0},
		{"clamp only after the list shrank", 9, 6, 0, 4, 3, 3, 1},
	}
	for _, tt := range tests {
		c, o := MoveCursor(tt.cursor, tt.offset, tt.delta, tt.n, tt.visible)
		if c != tt.wantCursor || o != tt.wantOffset {
			t.Errorf("%s: got (%d, %d), want (%d, %d)", tt.name, c, o, tt.wantCursor, tt.wantOffset)
		}
	}
}
