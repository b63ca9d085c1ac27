package mailsync

import (
	"bytes"
	"context"
	"fmt"
	"hash/maphash"
	"slices"
	"strings"
	"time"

	"github.com/leadmail/leadmail/mail"
	"github.com/leadmail/leadmail/store"
)

// commitBytes is how much received text one transaction gathers before it
// is committed, so a batch full of long messages stays small in memory.
const commitBytes = 16 << 20

// match is a header that involves the CRM: it is recorded once its body
// is read.
type match struct {
	h          header
	dir        store.ReceivedDirection
	contactIDs []int64
	replyTo    int64
	bounce     bool // a delivery report: recorded only if it names our send
}

// processBatch decides which messages of a batch matter, reads their
// bodies and commits them with the folder position next; *st follows the
// commits. With st nil (a backfill) no position is written. It returns how
// many messages matched that this run had not met before.
func (r *run) processBatch(ctx context.Context, folder string, validity uint32, st *store.SyncFolder, next store.SyncFolder, batch []header) (int, error) {
	addrs := make(map[string]bool)
	ids := make(map[string]bool)
	for _, h := range batch {
		for _, a := range h.in.Addresses() {
			addrs[a] = true
		}
		for _, id := range messageRefs(h.in) {
			ids[id] = true
		}
	}
	contacts, err := r.s.st.ContactsByEmails(ctx, keys(addrs))
	if err != nil {
		return 0, storeError{fmt.Errorf("look up the contacts of a batch: %w", err)}
	}
	ours, err := r.s.st.OurMessages(ctx, keys(ids))
	if err != nil {
		return 0, storeError{fmt.Errorf("look up our sends in a batch: %w", err)}
	}

	var matches []match
	for _, h := range batch {
		if own, ok := ours[h.in.MessageID]; ok && h.in.MessageID != "" {
			// Our own send, filed by the server or the rep's client: not
			// mail sent elsewhere, but proof that an uncertain send left.
			if err := r.confirmOwn(ctx, own, h); err != nil {
				return 0, err
			}
			continue
		}
		if m, ok := r.classify(h, contacts, ours); ok {
			matches = append(matches, m)
		}
	}
	slices.SortFunc(matches, func(a, b match) int { return int(int64(a.h.uid) - int64(b.h.uid)) })

	var recs []store.Received
	var bounces []store.SyncBounce
	pending := 0
	matched := 0
	limit := min(maxBodyRead, 4*r.s.cfg.TextLimit)
	for len(matches) > 0 {
		// Bodies in groups of bounded size, read as they stream in.
		n, want := 0, 0
		for n < len(matches) && n < 256 && (n == 0 || want < 8<<20) {
			want += min(int(matches[n].h.size), limit)
			n++
		}
		group := matches[:n]
		matches = matches[n:]
		bodies := make(map[uint32][]byte, n)
		uids := make([]uint32, n)
		for i, m := range group {
			uids[i] = m.h.uid
		}
		if err := r.cn.fetchBodies(ctx, uids, limit, func(uid uint32, body []byte) { bodies[uid] = body }); err != nil {
			return matched, err
		}
		for _, m := range group {
			rec, bounce, ok, err := r.build(ctx, folder, validity, m, bodies[m.h.uid], limit, ours)
			delete(bodies, m.h.uid)
			if err != nil {
				return matched, err
			}
			if !ok {
				continue
			}
			recs = append(recs, rec)
			if bounce != nil {
				bounces = append(bounces, *bounce)
			}
			pending += len(rec.Text) + len(rec.Subject) + 512
		}
		if pending >= commitBytes && len(matches) > 0 {
			var mid store.SyncFolder
			if st != nil {
				mid = *st
				mid.LastUID = group[len(group)-1].h.uid
				mid.Matched = st.Matched + len(recs)
			}
			n, err := r.commit(ctx, st, mid, recs, bounces)
			matched += n
			if err != nil {
				return matched, err
			}
			recs, bounces, pending = nil, nil, 0
		}
	}
	if st != nil {
		next.Matched = st.Matched + len(recs)
	}
	n, err := r.commit(ctx, st, next, recs, bounces)
	return matched + n, err
}

// classify says whether a message involves the CRM, from its header:
// a contact in From/To/Cc, a reply to one of our sends, or a delivery
// report that may name one.
func (r *run) classify(h header, contacts map[string][]int64, ours map[string]store.OurMessage) (match, bool) {
	in := h.in
	m := match{h: h, dir: store.ReceivedIn}
	from := ""
	if len(in.From) > 0 {
		from = in.From[0].Email
	}
	var people []mail.Address
	if r.s.me[from] {
		m.dir = store.ReceivedOut
		people = slices.Concat(in.To, in.Cc, in.Bcc)
	} else {
		people = slices.Concat(in.From, in.To, in.Cc)
	}
	for _, a := range people {
		if r.s.me[a.Email] {
			continue
		}
		for _, id := range contacts[a.Email] {
			if !slices.Contains(m.contactIDs, id) {
				m.contactIDs = append(m.contactIDs, id)
			}
		}
	}
	if m.dir == store.ReceivedIn {
		m.replyTo = replyTarget(in, ours)
		m.bounce = in.Kind == mail.InboundBounce || mailerDaemon(from)
	}
	return m, len(m.contactIDs) > 0 || m.replyTo != 0 || m.bounce
}

// replyTarget is the send a message answers: In-Reply-To first, then the
// References from the most recent.
func replyTarget(in mail.Inbound, ours map[string]store.OurMessage) int64 {
	for _, id := range in.InReplyTo {
		if o, ok := ours[id]; ok {
			return o.ID
		}
	}
	for i := len(in.References) - 1; i >= 0; i-- {
		if o, ok := ours[in.References[i]]; ok {
			return o.ID
		}
	}
	return 0
}

func mailerDaemon(addr string) bool {
	local, _, _ := strings.Cut(addr, "@")
	return local == "mailer-daemon" || local == "postmaster"
}

// build makes a match's received row from its body (the first limit
// bytes); ok is false for a delivery report that names no send of ours and
// involves no contact.
func (r *run) build(ctx context.Context, folder string, validity uint32, m match, body []byte, limit int, ours map[string]store.OurMessage) (rec store.Received, bounce *store.SyncBounce, ok bool, err error) {
	in := m.h.in
	full := in
	if len(body) > 0 {
		parsed, perr := mail.ParseInbound(bytes.NewReader(body), r.s.cfg.TextLimit)
		if perr != nil {
			full.Notes = append(full.Notes, "the message could not be read in full: "+clean(perr.Error()))
		} else {
			full = parsed
		}
	} else {
		full.Notes = append(full.Notes, "the server sent no body for this message")
	}
	if int64(m.h.size) > int64(len(body)) && len(body) >= limit {
		full.Truncated = true
		full.Notes = append(full.Notes, fmt.Sprintf("only the first %s of this %s message were read", formatSize(int64(len(body))), formatSize(int64(m.h.size))))
	}
	kind := full.Kind
	if kind == "" {
		kind = in.Kind
	}
	if m.bounce {
		if full.Bounce != nil {
			orig := full.Bounce.OriginalMessageID
			o, found := ours[orig]
			if !found && orig != "" {
				more, err := r.s.st.OurMessages(ctx, []string{orig})
				if err != nil {
					return rec, nil, false, storeError{fmt.Errorf("look up a bounced send: %w", err)}
				}
				o, found = more[orig]
			}
			if !found && m.replyTo != 0 {
				o, found = store.OurMessage{ID: m.replyTo}, true
			}
			if found {
				b := full.Bounce
				bounce = &store.SyncBounce{
					MessageID: o.ID, Status: b.Status, Diagnostic: clean(b.Diagnostic),
					Recipient: b.Recipient, Permanent: b.Permanent, At: date(in, m.h),
					ReceivedMessageID: identity(in),
				}
				kind = mail.InboundBounce
				m.replyTo = o.ID
				if o.ContactID != 0 && !slices.Contains(m.contactIDs, o.ContactID) {
					m.contactIDs = append(m.contactIDs, o.ContactID)
				}
			}
		}
		if bounce == nil && len(m.contactIDs) == 0 && m.replyTo == 0 {
			return rec, nil, false, nil
		}
	}
	if kind == mail.InboundBounce && bounce == nil {
		// A report we could not tie to a send is kept as ordinary mail
		// from the contact it involves.
		kind = mail.InboundOrdinary
	}
	rec = store.Received{
		UserID:         r.s.cfg.UserID,
		MessageID:      identity(in),
		Direction:      m.dir,
		Kind:           string(kind),
		To:             addressList(in.To),
		Cc:             addressList(in.Cc),
		Subject:        mail.SanitizeHeader(in.Subject),
		Date:           date(in, m.h),
		References:     in.References,
		ReplyTo:        m.replyTo,
		Text:           safeText(full.Text),
		Truncated:      full.Truncated,
		AutoReplyUntil: full.AutoReplyUntil,
		Folder:         folder,
		UID:            m.h.uid,
		UIDValidity:    validity,
		ContactIDs:     m.contactIDs,
	}
	if len(in.From) > 0 {
		rec.From, rec.FromAddr = mail.SanitizeHeader(in.From[0].String()), in.From[0].Email
	}
	if len(in.InReplyTo) > 0 {
		rec.InReplyTo = in.InReplyTo[0]
	}
	for _, a := range full.Attachments {
		rec.Attachments = append(rec.Attachments, store.ReceivedAttachment{Name: mail.SanitizeHeader(a.Name), Type: mail.SanitizeHeader(a.Type), Size: a.Size})
	}
	rec.Notes = mail.SanitizeHeader(strings.Join(dedupeNotes(in.Notes, full.Notes), "; "))
	return rec, bounce, true, nil
}

// commit writes a batch with the folder position next (nothing in a dry
// run; no position when next has no name) and makes *st follow. It
// returns how many of recs this run had not met before, and counts in
// the Report only what is new to this run: a message met again (filed in
// two folders, found again by a backfill) is neither matched nor a
// duplicate a second time.
func (r *run) commit(ctx context.Context, st *store.SyncFolder, next store.SyncFolder, recs []store.Received, bounces []store.SyncBounce) (int, error) {
	if next.Name != "" {
		next.LastRun = r.s.now()
		next.LastError = ""
	}
	again := 0
	for _, rec := range recs {
		if !r.firstMeeting(rec.MessageID) {
			again++
		}
	}
	if r.o.DryRun {
		if st != nil {
			*st = next
		}
		r.rep.Matched += len(recs) - again
		return len(recs) - again, nil
	}
	res, err := r.s.st.RecordSync(ctx, r.s.cfg.UserID, store.SyncBatch{Folder: next, Received: recs, Bounces: bounces})
	if err != nil {
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		return 0, storeError{fmt.Errorf("record the mail of folder %q: %w", clean(next.Name), err)}
	}
	if st != nil && next.Name != "" {
		*st = next
		r.states[next.Name] = next
	}
	// A message met again is one the store found recorded (by this run).
	r.rep.Matched += len(recs) - again
	r.rep.Recorded += res.Recorded
	r.rep.Duplicates += max(0, res.Duplicates-again)
	r.rep.AutoReplies += res.AutoReplies
	r.rep.Replies += res.Replies
	r.rep.Bounces += res.Bounces
	return len(recs) - again, nil
}

// firstMeeting reports whether this run meets the message with this
// dedupe key for the first time, and remembers it. Keys are kept as
// 64-bit hashes, so a run over a large mailbox holds a few MB at most.
func (r *run) firstMeeting(id string) bool {
	k := r.metKey(id)
	if _, ok := r.met[k]; ok {
		return false
	}
	r.met[k] = struct{}{}
	return true
}

func (r *run) metKey(id string) uint64 { return maphash.String(r.metSeed, id) }

// confirmOwn turns an uncertain send found in the mailbox into a sent one.
func (r *run) confirmOwn(ctx context.Context, own store.OurMessage, h header) error {
	if own.Status != store.MessageUncertain || r.o.DryRun {
		return nil
	}
	if err := r.s.st.ConfirmSent(ctx, own.ID, date(h.in, h), noteConfirmed); err != nil {
		return storeError{fmt.Errorf("confirm an uncertain send: %w", err)}
	}
	r.rep.Confirmed++
	return nil
}

// messageRefs are the Message-IDs a message names: its own, In-Reply-To
// and References.
func messageRefs(in mail.Inbound) []string {
	out := make([]string, 0, 1+len(in.InReplyTo)+len(in.References))
	if in.MessageID != "" {
		out = append(out, in.MessageID)
	}
	out = append(out, in.InReplyTo...)
	return append(out, in.References...)
}

// identity is the dedupe key: the Message-ID, or a hash of the headers
// when there is none.
func identity(in mail.Inbound) string {
	if in.MessageID != "" {
		return in.MessageID
	}
	return in.ContentHash()
}

// date is when the message was written: its Date header, else when the
// server received it, else now is not used: zero stays zero.
func date(in mail.Inbound, h header) time.Time {
	if !in.Date.IsZero() {
		return in.Date
	}
	return h.internal
}

func addressList(as []mail.Address) []string {
	if len(as) == 0 {
		return nil
	}
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = mail.SanitizeHeader(a.String())
	}
	return out
}

// safeText drops the control characters of a message's text but line
// breaks and tabs, so no escape sequence from mail reaches a terminal.
func safeText(s string) string {
	if !strings.ContainsFunc(s, isControl) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isControl(r) {
			return -1
		}
		return r
	}, s)
}

func isControl(r rune) bool {
	return (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f || (r >= 0x80 && r < 0xa0)
}

func dedupeNotes(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		for _, n := range l {
			if n != "" && !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	return out
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		if k != "" {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// formatSize formats a byte count for a note.
func formatSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
