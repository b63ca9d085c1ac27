package localimap

import (
	"bufio"
	"bytes"
	"slices"

	"github.com/emersion/go-imap"
	"github.com/emersion/go-imap/backend/backendutil"
	gomessage "github.com/emersion/go-message"
	"github.com/emersion/go-message/textproto"
)

// snap is a message as a command sees it: its sequence number and flags at
// the time, read under Server.mu, used after it is released.
type snap struct {
	seq   uint32
	m     *message
	flags []string
}

// selectLocked returns the indexes in f.msgs of the messages in set (UIDs
// when uid, else sequence numbers), ascending, each once. "*" is the last
// message. The caller holds s.mu.
func (f *folder) selectLocked(uid bool, set *imap.SeqSet) []int {
	n := len(f.msgs)
	if n == 0 || set == nil {
		return nil
	}
	var out []int
	for _, seq := range set.Set {
		lo, hi := seq.Start, seq.Stop
		if uid {
			last := f.msgs[n-1].uid
			lo, hi = orLast(lo, last), orLast(hi, last)
			if lo > hi {
				lo, hi = hi, lo
			}
			i, _ := f.indexOf(lo)
			for ; i < n && f.msgs[i].uid <= hi; i++ {
				out = append(out, i)
			}
			continue
		}
		lo, hi = orLast(lo, uint32(n)), orLast(hi, uint32(n))
		if lo > hi {
			lo, hi = hi, lo
		}
		for i := int(lo) - 1; i < int(hi) && i < n; i++ {
			out = append(out, i)
		}
	}
	if len(set.Set) > 1 {
		slices.Sort(out)
		out = slices.Compact(out)
	}
	return out
}

// orLast reads 0 (go-imap's "*") as last.
func orLast(v, last uint32) uint32 {
	if v == 0 {
		return last
	}
	return v
}

// snapshot returns the messages in set, or every message when set is nil.
func (m *mailbox) snapshot(uid bool, set *imap.SeqSet) ([]snap, error) {
	s := m.u.s
	s.mu.RLock()
	defer s.mu.RUnlock()
	f := m.f
	if f.deleted {
		return nil, errGone
	}
	if set == nil {
		out := make([]snap, len(f.msgs))
		for i, msg := range f.msgs {
			out[i] = snap{seq: uint32(i + 1), m: msg, flags: msg.flags}
		}
		return out, nil
	}
	idx := f.selectLocked(uid, set)
	out := make([]snap, len(idx))
	for j, i := range idx {
		out[j] = snap{seq: uint32(i + 1), m: f.msgs[i], flags: f.msgs[i].flags}
	}
	return out, nil
}

func (m *mailbox) ListMessages(uid bool, set *imap.SeqSet, items []imap.FetchItem, ch chan<- *imap.Message) error {
	snaps, err := m.snapshot(uid, set)
	if err != nil {
		close(ch)
		return err
	}
	sections, seen := parseSections(items)
	if seen {
		snaps = m.markSeen(snaps)
	}
	s := m.u.s
	drop := 0
	if m.u.conn != nil {
		drop = s.currentFailure().DropAfterFetch
	}
	for i, sn := range snaps {
		if drop > 0 && i == drop {
			// End the FETCH response so go-imap flushes it, then close
			// the connection before the tagged answer goes out.
			close(ch)
			s.log.Info("local IMAP dropping the connection mid-FETCH (failure switch)", "after", drop)
			s.dropAfterQueued(m.u.conn)
			return errDropped
		}
		ch <- fetchOne(sn, items, sections)
	}
	close(ch)
	return nil
}

// section is a body section among a FETCH's items, with its field names
// as bytes for a quick match.
type section struct {
	*imap.BodySectionName
	fields [][]byte
}

// parseSections parses the body sections among items (nil where an item
// is not one) and says whether one of them sets \Seen (no PEEK).
func parseSections(items []imap.FetchItem) ([]*section, bool) {
	out := make([]*section, len(items))
	seen := false
	for i, it := range items {
		switch it {
		case imap.FetchEnvelope, imap.FetchBody, imap.FetchBodyStructure, imap.FetchFlags,
			imap.FetchInternalDate, imap.FetchRFC822Size, imap.FetchUid:
			continue
		}
		sec, err := imap.ParseBodySectionName(it)
		if err != nil {
			continue
		}
		out[i] = &section{BodySectionName: sec}
		for _, f := range sec.Fields {
			out[i].fields = append(out[i].fields, []byte(f))
		}
		if !sec.Peek {
			seen = true
		}
	}
	return out, seen
}

// markSeen adds \Seen to the messages a non-PEEK body fetch reads, as
// RFC 3501 wants, and returns the snapshots with the new flags.
func (m *mailbox) markSeen(snaps []snap) []snap {
	s := m.u.s
	s.mu.Lock()
	defer s.mu.Unlock()
	changed := false
	for i, sn := range snaps {
		if slices.Contains(sn.m.flags, imap.SeenFlag) {
			snaps[i].flags = sn.m.flags
			continue
		}
		sn.m.flags = append(slices.Clone(sn.m.flags), imap.SeenFlag)
		snaps[i].flags = sn.m.flags
		changed = true
	}
	if changed {
		s.markDirty(m.f)
	}
	return snaps
}

// fetchOne builds the FETCH response of one message.
func fetchOne(sn snap, items []imap.FetchItem, sections []*section) *imap.Message {
	msg := imap.NewMessage(sn.seq, items)
	var hdr *textproto.Header // parsed on demand, for ENVELOPE and the like
	header := func() textproto.Header {
		if hdr == nil {
			h, err := textproto.ReadHeader(bufio.NewReader(bytes.NewReader(sn.m.raw[:sn.m.hdrLen])))
			if err != nil {
				h = textproto.Header{}
			}
			hdr = &h
		}
		return *hdr
	}
	body := func() *bytes.Reader { return bytes.NewReader(sn.m.raw[sn.m.hdrLen:]) }
	for i, it := range items {
		switch it {
		case imap.FetchEnvelope:
			msg.Envelope, _ = backendutil.FetchEnvelope(header())
		case imap.FetchBody, imap.FetchBodyStructure:
			msg.BodyStructure, _ = backendutil.FetchBodyStructure(header(), body(), it == imap.FetchBodyStructure)
		case imap.FetchFlags:
			msg.Flags = slices.Clone(sn.flags)
		case imap.FetchInternalDate:
			msg.InternalDate = sn.m.date
		case imap.FetchRFC822Size:
			msg.Size = uint32(len(sn.m.raw))
		case imap.FetchUid:
			msg.Uid = sn.m.uid
		default:
			sec := sections[i]
			if sec == nil {
				continue
			}
			if b, ok := sn.m.section(sec); ok {
				msg.Body[sec.BodySectionName] = bytes.NewReader(sec.ExtractPartial(b))
				continue
			}
			l, err := backendutil.FetchBodySection(header(), body(), sec.BodySectionName)
			if err != nil {
				l = bytes.NewReader(nil)
			}
			msg.Body[sec.BodySectionName] = l
		}
	}
	return msg
}

// section returns the top-level sections from the index built at delivery:
// BODY[], BODY[HEADER], BODY[TEXT] and BODY[HEADER.FIELDS (...)] (also
// .NOT). Other sections (parts, MIME) are not handled here: ok is false.
func (m *message) section(sec *section) ([]byte, bool) {
	if len(sec.Path) > 0 {
		return nil, false
	}
	switch sec.Specifier {
	case imap.EntireSpecifier:
		return m.raw, true
	case imap.TextSpecifier:
		return m.raw[m.hdrLen:], true
	case imap.HeaderSpecifier:
		if len(sec.Fields) == 0 {
			return m.raw[:m.hdrLen], true
		}
		return m.headerFields(sec.fields, sec.NotFields), true
	}
	return nil, false
}

// headerFields returns the fields named in names (or, with not, the others)
// in the message's order, then the blank line.
func (m *message) headerFields(names [][]byte, not bool) []byte {
	var size int
	var keepSmall [32]bool
	keep := keepSmall[:0]
	if len(m.fields) > len(keepSmall) {
		keep = make([]bool, 0, len(m.fields))
	}
	for _, f := range m.fields {
		name := m.raw[f.start : f.start+f.nameLen]
		in := slices.ContainsFunc(names, func(n []byte) bool { return bytes.EqualFold(n, name) })
		keep = append(keep, in != not)
		if in != not {
			size += int(f.end - f.start)
		}
	}
	out := make([]byte, 0, size+2)
	for i, f := range m.fields {
		if keep[i] {
			out = append(out, m.raw[f.start:f.end]...)
		}
	}
	return append(out, '\r', '\n')
}

// entity is the message for backendutil.Match: the header parsed, the body
// left to read only when a criterion needs it.
func (m *message) entity() (*gomessage.Entity, error) {
	h, err := textproto.ReadHeader(bufio.NewReader(bytes.NewReader(m.raw[:m.hdrLen])))
	if err != nil {
		return nil, err
	}
	e, err := gomessage.New(gomessage.Header{Header: h}, bytes.NewReader(m.raw[m.hdrLen:]))
	if e == nil {
		return nil, err
	}
	return e, nil // an unknown charset still leaves a usable entity
}

// headerTerm is a SEARCH criterion on a header field (HEADER, FROM, TO,
// CC, BCC, SUBJECT), lowercased.
type headerTerm struct{ name, value []byte }

// headerTerms returns the header criteria every match must meet (the
// top-level ones; those under OR and NOT are left to backendutil.Match).
func headerTerms(c *imap.SearchCriteria) []headerTerm {
	var out []headerTerm
	for name, values := range c.Header {
		for _, v := range values {
			if v != "" { // an empty value matches any message
				out = append(out, headerTerm{bytes.ToLower([]byte(name)), bytes.ToLower([]byte(v))})
			}
		}
	}
	return out
}

// mayMatch reports whether the message could meet terms, from the index
// built at delivery: false means backendutil.Match would say no, since it
// looks for the value in one field of that name, which then holds it.
// It spares parsing the header of every message for a SEARCH HEADER
// Message-ID over a large folder.
func (m *message) mayMatch(terms []headerTerm) bool {
	for _, t := range terms {
		found := false
		for _, f := range m.fields {
			if !bytes.EqualFold(m.raw[f.start:f.start+f.nameLen], t.name) {
				continue
			}
			value := m.raw[f.start+f.nameLen : f.end]
			value = bytes.ToLower(value) // a copy
			value = slices.DeleteFunc(value, func(b byte) bool { return b == '\r' || b == '\n' })
			if bytes.Contains(value, t.value) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
