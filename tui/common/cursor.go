package common

// MoveCursor moves a list cursor by delta within n items (delta 0 only
// clamps) and returns it with the scroll offset that keeps it inside a
// window of visible rows.
func MoveCursor(cursor, offset, delta, n, visible int) (int, int) {
	cursor = max(0, min(cursor+delta, n-1))
	visible = max(1, visible)
	if cursor < offset {
		offset = cursor
	}
	if cursor >= offset+visible {
		offset = cursor - visible + 1
	}
	return cursor, max(0, min(offset, n-visible))
}
