package seed

import (
	"cmp"
	"context"
	"fmt"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/leadmail/leadmail/store"
)

// history writes every planned step of every person, all people interleaved
// in time order, so that event ids grow with event times as they would in a
// CRM that had been in use for months. Past Smart Mails go through the outbox
// (enqueue, claim, mark sent) so the archive holds exactly what "left".
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
	for _, r := range all {
		p := &s.people[r.person]
		st := p.story[r.step]
		s.at(st.at)
		if st.kind == store.EventEmailSent {
			// The store writes the "queued" and "sent" events itself.
			m, err := s.send(ctx, p, st)
			if err != nil {
				return err
			}
			last[r.person] = m
			continue
		}
		e := store.Event{ContactID: p.ID, At: st.at, Kind: st.kind, Subject: st.subject, Detail: st.detail}
		switch st.kind {
		case store.EventCreated:
			e.Subject = "Created"
		case store.EventEmailOpened, store.EventEmailClicked, store.EventEmailReplied:
			m := last[r.person]
			e.MessageID, e.Subject = m.ID, m.Subject
			switch st.kind {
			case store.EventEmailReplied:
				e.Subject = "Re: " + m.Subject
			case store.EventEmailClicked:
				e.Detail = firstLink(m.body)
			}
		}
		if err := s.db.AddEvent(ctx, &e); err != nil {
			return fmt.Errorf("%s event for %s: %w", st.kind, p.Name(), err)
		}
		s.res.Events++
	}
	return nil
}

// sentMessage is a message the seed sent, with the text it was built from.
type sentMessage struct {
	store.Message
	body string
}

// send renders the step's template for the person as their owner would have
// sent it and pushes it through the outbox at the step's time. A template
// that would not render cleanly falls back to the first Smart Mail, which
// always does; the seed never archives a mail with a hole in it.
func (s *seeder) send(ctx context.Context, p *seededPerson, st step) (sentMessage, error) {
	t, ok := smartMailByName(st.template)
	if !ok {
		return sentMessage{}, fmt.Errorf("send to %s: no Smart Mail named %q", p.Name(), st.template)
	}
	from := p.owner
	subject, miss1 := render(t.Subject, p.Contact, from)
	body, miss2 := render(t.Body, p.Contact, from)
	if len(miss1)+len(miss2) > 0 {
		t, _ = smartMailByName(firstSmartMail)
		subject, _ = render(t.Subject, p.Contact, from)
		body, _ = render(t.Body, p.Contact, from)
	}
	_, domain, _ := strings.Cut(from.Email, "@")
	msgID := fmt.Sprintf("%s.%016x@%s", st.at.Format("20060102150405"), s.rnd.Uint64(), domain)
	raw, err := rawMessage(&mail.Address{Name: from.Name, Address: from.Email},
		&mail.Address{Name: p.Name(), Address: p.Email}, subject, body, msgID, st.at)
	if err != nil {
		return sentMessage{}, fmt.Errorf("compose %q for %s: %w", t.Name, p.Name(), err)
	}
	m := store.Message{
		ContactID:  p.ID,
		EmailID:    s.emailIDs[strings.ToLower(t.Name)],
		UserID:     from.ID,
		MessageID:  msgID,
		Subject:    subject,
		From:       from.Email,
		Recipients: []string{p.Email},
		Raw:        raw,
		Status:     store.MessageQueued, // due at once: SendAt is in the past
		SendAt:     st.at,
	}
	if err := s.db.EnqueueMessage(ctx, &m); err != nil {
		return sentMessage{}, fmt.Errorf("enqueue %q for %s: %w", t.Name, p.Name(), err)
	}
	if _, err := s.db.ClaimMessage(ctx, m.ID, st.at.Add(5*time.Minute)); err != nil {
		return sentMessage{}, fmt.Errorf("claim message %d: %w", m.ID, err)
	}
	sentAt := st.at.Add(2 * time.Second)
	s.at(sentAt)
	if err := s.db.MarkSent(ctx, m.ID, sentAt); err != nil {
		return sentMessage{}, fmt.Errorf("mark message %d sent: %w", m.ID, err)
	}
	s.res.Messages++
	s.res.Events += 2 // "queued" and "sent"
	return sentMessage{Message: m, body: body}, nil
}

// smartMailByName returns the Smart Mail template with this name.
func smartMailByName(name string) (template, bool) {
	for _, t := range smartMails {
		if t.Name == name {
			return t, true
		}
	}
	return template{}, false
}

var linkRE = regexp.MustCompile(`https://example\.com/[^\s)]*`)

// firstLink is the first link of a body: what a click event records.
func firstLink(body string) string { return linkRE.FindString(body) }
