package demo

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/leadmail/leadmail/mail"
	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
)

// history writes every planned step of every person, all people interleaved
// in time order, so that event ids grow with event times as they would in a
// CRM that had been in use for months. Past Smart Mails go through the real
// outbox (Quick Send, then delivery to the mail server) at the story's
// time, so the archive holds exactly what "left"; what the leads wrote back
// goes to the demo user's mailbox, for Mail Sync to record.
func (s *seeder) history(ctx context.Context) error {
	type ref struct{ person, step int }
	var all []ref
	for pi, p := range s.people {
		for si := range p.story {
			all = append(all, ref{pi, si})
		}
	}
	slices.SortStableFunc(all, func(a, b ref) int {
		return cmp.Or(s.people[a.person].story[a.step].at.Compare(s.people[b.person].story[b.step].at),
			cmp.Compare(a.person, b.person), cmp.Compare(a.step, b.step))
	})
	last := make([]sentMessage, len(s.people)) // each person's latest sent message
	lastIn := make([]*original, len(s.people)) // each person's latest mail to their owner
	for _, r := range all {
		p := &s.people[r.person]
		st := p.story[r.step]
		s.at(st.at)
		if st.kind == "" {
			in, err := s.mail(p, st, last[r.person], lastIn[r.person])
			if err != nil {
				return err
			}
			if in != nil {
				lastIn[r.person] = in
			}
			continue
		}
		if st.kind == store.EventEmailSent {
			// The store writes the "queued" and "sent" events itself.
			m, err := s.send(ctx, p, st)
			if err != nil {
				return err
			}
			last[r.person] = m
			continue
		}
		if st.kind == store.EventNote && s.clock != nil {
			// With the store's clock in hand, a note is a real note (or
			// logged call) the rep can open and edit, dated in the story.
			if err := s.noteOrCall(ctx, p, st); err != nil {
				return err
			}
			s.res.Events++
			if err := s.plannedOpportunity(ctx, p, st); err != nil {
				return err
			}
			continue
		}
		e := store.Event{ContactID: p.ID, At: st.at, Kind: st.kind, Subject: st.subject, Detail: st.detail}
		switch st.kind {
		case store.EventCreated:
			e.Subject = "Created"
		case store.EventEmailOpened, store.EventEmailClicked:
			m := last[r.person]
			e.MessageID, e.Subject = m.ID, m.Subject
			if st.kind == store.EventEmailClicked {
				e.Detail = firstLink(m.body)
			}
		}
		if err := s.db.AddEvent(ctx, &e); err != nil {
			return fmt.Errorf("%s event for %s: %w", st.kind, p.Name(), err)
		}
		s.res.Events++
		if err := s.plannedOpportunity(ctx, p, st); err != nil {
			return err
		}
	}
	return nil
}

// noteOrCall writes a note step as the owner's note, or, when it tells of
// a call ("Call: …", "Called …"), as a logged call with that note. The
// call's length comes from its text, so the seed's random sequence is the
// same as without calls.
func (s *seeder) noteOrCall(ctx context.Context, p *seededPerson, st step) error {
	text, isCall := strings.CutPrefix(st.detail, "Call: ")
	if !isCall && strings.HasPrefix(st.detail, "Called ") {
		isCall = true
	}
	if !isCall {
		if _, err := s.db.AddNote(ctx, p.ID, p.owner.ID, st.detail); err != nil {
			return fmt.Errorf("note for %s: %w", p.Name(), err)
		}
		return nil
	}
	c := store.Call{ContactID: p.ID, Outcome: store.CallConnected, Note: text, At: st.at,
		Duration: time.Duration(4+len(text)%19) * time.Minute}
	if err := s.db.LogCall(ctx, &c, p.owner.ID); err != nil {
		return fmt.Errorf("call with %s: %w", p.Name(), err)
	}
	return nil
}

// sentMessage is a message the seed sent, with the text part of its body.
type sentMessage struct {
	store.Message
	body string
}

// send Quick-Sends the step's Smart Mail to the person as their owner, at
// the step's time, through the real outbox, and delivers it at once to the
// mail server. A template with a missing variable for this person falls
// back to the first Smart Mail, which never misses one: the merge lint
// refuses a send with a hole in it, and so does the seed.
func (s *seeder) send(ctx context.Context, p *seededPerson, st step) (sentMessage, error) {
	svc, err := s.outboxOf(p.owner)
	if err != nil {
		return sentMessage{}, err
	}
	m, err := svc.QuickSend(ctx, p.ID, s.emailIDs[strings.ToLower(st.template)])
	var missing *outbox.MissingVarsError
	if errors.As(err, &missing) {
		m, err = svc.QuickSend(ctx, p.ID, s.emailIDs[strings.ToLower(firstSmartMail)])
	}
	if err != nil {
		return sentMessage{}, fmt.Errorf("quick send %q to %s: %w", st.template, p.Name(), err)
	}
	if m, err = svc.Deliver(ctx, m.ID); err != nil {
		return sentMessage{}, fmt.Errorf("deliver %q to %s: %w", m.Subject, p.Name(), err)
	}
	if m.Status != store.MessageSent {
		return sentMessage{}, fmt.Errorf("deliver %q to %s: the message is %s, not sent", m.Subject, p.Name(), m.Status)
	}
	if p.owner.ID != s.sender.ID {
		// It left from a teammate's mailbox: its Sent copy is theirs, not a
		// question for the demo user's Mail Sync.
		if err := s.db.SetSentCopy(ctx, m.ID, store.SentCopyNever, "", time.Time{}); err != nil {
			return sentMessage{}, err
		}
	}
	full, err := s.db.GetMessage(ctx, m.ID)
	if err != nil {
		return sentMessage{}, fmt.Errorf("read back message %d: %w", m.ID, err)
	}
	in, err := mail.Inspect(full.Raw)
	if err != nil {
		return sentMessage{}, fmt.Errorf("read back message %d: %w", m.ID, err)
	}
	s.res.Messages++
	s.res.Events += 2 // "queued" and "sent"
	return sentMessage{Message: full, body: in.Text}, nil
}

// outboxOf returns the outbox Service that sends as u, made on first use.
// Each sends at the story's clock, with no undo window: these sends left
// long ago.
func (s *seeder) outboxOf(u store.User) (*outbox.Service, error) {
	if svc, ok := s.outboxes[u.ID]; ok {
		return svc, nil
	}
	cfg := outbox.DefaultConfig()
	cfg.UndoSeconds = 0
	cfg.VerifiedDomains = []string{domainOf(u.Email)}
	svc, err := outbox.New(outbox.Options{DB: s.db, Transport: s.tr, Sender: u, Config: cfg,
		Now: s.story.Now, Logger: s.log})
	if err != nil {
		return nil, fmt.Errorf("outbox for %s: %w", u.Email, err)
	}
	s.outboxes[u.ID] = svc
	return svc, nil
}

// mail writes a mail step of person p to the demo user's mailbox. Only the
// mail of the demo user's own leads is theirs to see: a step of a
// teammate's lead, or with no mailbox, writes nothing. sent is the
// person's latest send, in their latest mail to the owner (nil for none).
// It returns the message written when it is one the owner may answer.
func (s *seeder) mail(p *seededPerson, st step, sent sentMessage, in *original) (*original, error) {
	if s.mailbox == nil || p.owner.ID != s.sender.ID {
		return nil, nil
	}
	lead := mail.Address{Name: p.Name(), Email: p.Email}
	owner := mail.Address{Name: p.owner.Name, Email: p.owner.Email}
	var sentOrig *original
	if sent.ID != 0 {
		o, err := originalOf(sent.Raw, p.Email)
		if err != nil {
			return nil, err
		}
		sentOrig = &o
	}
	sign := signOff(cmp.Or(p.FirstName, p.Name()), p.Name(), p.Title, p.Company)
	var (
		l      letter
		folder = FolderInbox
		answer = true
	)
	switch st.mail {
	case mailReply:
		if sentOrig == nil {
			return nil, nil
		}
		l = letter{From: sentOrig.To, To: sentOrig.From, Subject: reSubject(sentOrig.Subject),
			Text: st.detail + "\n\n" + sign, InReplyTo: sentOrig}
	case mailInbound:
		l = letter{From: lead, To: owner, Subject: st.subject, Text: st.detail + "\n\n" + sign}
	case mailAutoReply:
		if sentOrig == nil {
			return nil, nil
		}
		until := st.at.AddDate(0, 0, 4+s.mailRnd.IntN(8)).Truncate(24 * time.Hour)
		l, answer = autoReply(*sentOrig, st.at, until, "", ""), false
	case mailBounce:
		if sentOrig == nil {
			return nil, nil
		}
		id := s.mailID(st.at, demoMTA)
		raw := bounceDSN(*sentOrig, p.Email, demoMTA, st.at, id)
		return nil, s.deliverMail(FolderInbox, raw, st.at)
	case mailPhone:
		if in == nil {
			return nil, nil
		}
		l = letter{From: owner, To: lead, Subject: reSubject(in.Subject), Text: st.detail, InReplyTo: in,
			Mailer: "iPhone Mail (21E236)"}
		folder, answer = FolderSent, false
	default:
		return nil, fmt.Errorf("mail step %d for %s: unknown kind", st.mail, p.Name())
	}
	l.Date = st.at
	l.MessageID = s.mailID(st.at, domainOf(l.From.Email))
	if l.Mailer == "" {
		l.Mailer = mailerOf(l.From.Email)
	}
	raw, err := l.compose()
	if err != nil {
		return nil, err
	}
	if err := s.deliverMail(folder, raw, st.at); err != nil {
		return nil, err
	}
	if !answer {
		return nil, nil
	}
	o, err := originalOf(raw, owner.Email)
	if err != nil {
		return nil, err
	}
	return &o, nil
}

// deliverMail files raw, read, in the mailbox's folder.
func (s *seeder) deliverMail(folder string, raw []byte, at time.Time) error {
	if _, err := s.mailbox.Deliver(folder, raw, []string{seen}, at); err != nil {
		return fmt.Errorf("write the demo mailbox's %s: %w", folder, err)
	}
	s.res.Mail++
	return nil
}

// mailID draws a Message-ID from the seed's own source, so the mailbox is
// the same in two runs.
func (s *seeder) mailID(at time.Time, domain string) string {
	return fmt.Sprintf("%s.%016x@%s", at.UTC().Format("20060102150405"), s.mailRnd.Uint64(), domain)
}

var linkRE = regexp.MustCompile(`https://example\.com/[^\s)]*`)

// firstLink is the first link of a text body, where mail.RenderBody writes
// a link as "label (url)": what a click event records.
func firstLink(body string) string { return linkRE.FindString(body) }
