package importer

import "hash/maphash"

// emailSet holds the lower-case email of each row kept so far with its
// line, to tell later duplicates. A million of them take about 45 MB here
// against 80 MB in a map[string]int, in a few pointer-free slices that the
// garbage collector does not scan: that is most of what a streamed import
// keeps.
type emailSet struct {
	seed    maphash.Seed
	arena   []byte // the emails, one after another
	entries []emailEntry
	table   []int32 // open addressing: 1 + an index into entries, 0 free
}

type emailEntry struct {
	off     int
	n, line int32
}

func newEmailSet() *emailSet { return &emailSet{seed: maphash.MakeSeed()} }

// first returns the line of key's first row and true, or records line as
// key's and returns false.
func (s *emailSet) first(key string, line int) (int, bool) {
	if len(s.table) == 0 {
		s.table = make([]int32, 1024)
	}
	mask := len(s.table) - 1
	for i := int(maphash.String(s.seed, key)) & mask; ; i = (i + 1) & mask {
		k := s.table[i]
		if k == 0 {
			s.entries = append(s.entries, emailEntry{off: len(s.arena), n: int32(len(key)), line: int32(line)})
			s.arena = append(s.arena, key...)
			s.table[i] = int32(len(s.entries))
			if 2*len(s.entries) > len(s.table) {
				s.grow()
			}
			return line, false
		}
		if e := s.entries[k-1]; string(s.arena[e.off:e.off+int(e.n)]) == key {
			return int(e.line), true
		}
	}
}

// grow doubles the table.
func (s *emailSet) grow() {
	s.table = make([]int32, 2*len(s.table))
	mask := len(s.table) - 1
	for k, e := range s.entries {
		i := int(maphash.Bytes(s.seed, s.arena[e.off:e.off+int(e.n)])) & mask
		for s.table[i] != 0 {
			i = (i + 1) & mask
		}
		s.table[i] = int32(k + 1)
	}
}
