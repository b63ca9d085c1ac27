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

// sentMessage is a message the seed sent, with the text part of its body.
type sentMessage struct {
	store.Message
	body string
}

// send builds the step's Smart Mail for the person exactly as their owner's
// Quick Send would (package mail renders and composes it, outbox.Values
// supplies the merge values) and pushes it through the outbox at the step's
// time. A template with a missing variable for this person falls back to the
// first Smart Mail, which never misses one; the seed never archives a mail
// with a hole in it.
func (s *seeder) send(ctx context.Context, p *seededPerson, st step) (sentMessage, error) {
	t, ok := smartMailByName(st.template)
	if !ok {
		return sentMessage{}, fmt.Errorf("send to %s: no Smart Mail named %q", p.Name(), st.template)
	}
	from := p.owner
	vals := outbox.Values(p.Contact, from)
	subject, body, err := renderSmartMail(t, vals)
	var missing *missingError
	if errors.As(err, &missing) {
		t, _ = smartMailByName(firstSmartMail)
		subject, body, err = renderSmartMail(t, vals)
	}
	if err != nil {
		return sentMessage{}, fmt.Errorf("render for %s: %w", p.Name(), err)
	}
	// Compose would draw a random Message-ID; the seed draws its own from
	// its seeded source so that two runs agree.
	_, domain, _ := strings.Cut(from.Email, "@")
	c, err := mail.Compose(mail.Draft{
		From:            mail.Address{Name: cmp.Or(t.FromName, from.Name), Email: from.Email},
		To:              []mail.Address{{Name: p.Name(), Email: p.Email}},
		Subject:         subject,
		Body:            body,
		Date:            st.at,
		MessageIDDomain: domain,
		MessageID:       fmt.Sprintf("%s.%016x@%s", st.at.Format("20060102150405"), s.rnd.Uint64(), domain),
		Headers:         map[string]string{"X-Mailer": "leadmail"},
	})
	if err != nil {
		return sentMessage{}, fmt.Errorf("compose %q for %s: %w", t.Name, p.Name(), err)
	}
	m := store.Message{
		ContactID:  p.ID,
		EmailID:    s.emailIDs[strings.ToLower(t.Name)],
		UserID:     from.ID,
		MessageID:  c.MessageID,
		Subject:    subject,
		From:       c.From,
		Recipients: c.Recipients,
		Raw:        c.Raw,
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
	return sentMessage{Message: m, body: body.Text}, nil
}

// missingError is a Smart Mail that cannot be sent to someone because a
// merge variable has neither a value nor a fallback: what the merge lint
// refuses in a real Quick Send.
type missingError struct {
	template string
	names    []string
}

func (e *missingError) Error() string {
	return fmt.Sprintf("%q misses %s", e.template, strings.Join(e.names, ", "))
}

// renderSmartMail parses t's subject and body and renders them with vals as
// a Quick Send does: the subject made safe for its header, the Markdown body
// as text and HTML. The error is a *missingError when the merge lint would
// refuse the send.
func renderSmartMail(t template, vals mail.Values) (string, mail.Body, error) {
	subj, err := mail.ParseTemplate(t.Subject)
	if err != nil {
		return "", mail.Body{}, fmt.Errorf("subject of %q: %w", t.Name, err)
	}
	body, err := mail.ParseTemplate(t.Body)
	if err != nil {
		return "", mail.Body{}, fmt.Errorf("body of %q: %w", t.Name, err)
	}
	var missing []string
	for _, it := range mail.Lint(vals, subj, body) {
		if it.Missing {
			missing = append(missing, it.Name)
		}
	}
	if len(missing) > 0 {
		return "", mail.Body{}, &missingError{template: t.Name, names: missing}
	}
	subject, _ := subj.Render(vals)
	b, err := mail.RenderBody(body, vals)
	if err != nil {
		return "", mail.Body{}, fmt.Errorf("render %q: %w", t.Name, err)
	}
	return mail.SanitizeHeader(subject), b, nil
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

// firstLink is the first link of a text body, where mail.RenderBody writes
// a link as "label (url)": what a click event records.
func firstLink(body string) string { return linkRE.FindString(body) }
