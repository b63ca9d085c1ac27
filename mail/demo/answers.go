package demo

import (
	"strings"
)

// BouncingAddress is the demo lead whose address no longer exists (Markus
// Ebner left Alpenblick Tourismus): every message to it comes back as a
// delivery status notification, 5.1.1.
const BouncingAddress = "markus.ebner@alpenblick.example"

// How is how a demo lead answers a message.
type How string

// The ways a demo lead answers.
const (
	HowReply     How = "reply"      // a real reply, quoting the message
	HowAutoReply How = "auto-reply" // an out-of-office auto-reply
	HowBounce    How = "bounce"     // the demo's mail server returns it (DSN)
)

// Answerer is a demo lead who answers what the demo sends them.
type Answerer struct {
	Name  string
	Email string
	How   How
}

// persona is how one demo lead writes: what they answer to a new message,
// and the program they write with.
type persona struct {
	name   string
	how    How
	line   string // their answer, before the sign-off and the quote
	mailer string
}

// personas are the demo leads who answer a send in the running demo. The
// choice is by person, so it is the same in every demo; Answering lists
// them for the help and the README.
var personas = []persona{
	{"Jürgen Müller", HowReply, "Danke for the note. Thursday at 10:00 our time works for a call; I'll bring Anja from sales.", "Microsoft Outlook 16.0"},
	{"Zoë Ångström", HowReply, "Good timing: we are reviewing our forecasting tools this quarter. Could you send pricing for about 25 seats?", "Apple Mail (2.3774)"},
	{"José Núñez", HowReply, "Gracias. Our board meets on the 14th, so a short demo before then would help. Is Tuesday morning possible?", "Microsoft Outlook 16.0"},
	{"Siobhan O'Brien", HowReply, "Happy to talk. Mornings suit me best, though not Fridays. Could you include a word on data residency?", "iPhone Mail (21E236)"},
	{"Chloé Lefèvre", HowAutoReply, "", "Microsoft Outlook 16.0"},
}

// Answering lists the demo leads who answer a send in the running demo, and
// how: replies a few seconds later, an out-of-office auto-reply, and the
// bouncing address's delivery failure.
func Answering() []Answerer {
	var out []Answerer
	for _, p := range personas {
		out = append(out, Answerer{Name: p.name, Email: addressOf(p.name), How: p.how})
	}
	return append(out, Answerer{Name: "Markus Ebner", Email: BouncingAddress, How: HowBounce})
}

// personaOf returns the persona whose address is addr.
func personaOf(addr string) (persona, bool) {
	for _, p := range personas {
		if strings.EqualFold(addressOf(p.name), addr) {
			return p, true
		}
	}
	return persona{}, false
}

// awayAddress is the address of the lead whose out-of-office answers.
func awayAddress() string {
	for _, p := range personas {
		if p.how == HowAutoReply {
			return addressOf(p.name)
		}
	}
	return ""
}

// addressOf is the demo address of the person named name, "" for none.
func addressOf(name string) string {
	for _, p := range people {
		if strings.TrimSpace(p.First+" "+p.Last) != name {
			continue
		}
		switch {
		case p.Email == noEmail:
			return ""
		case p.Email != "":
			return p.Email
		case p.Co == cNone:
			return ""
		}
		return emailFor(p, p.Co, companies[p.Co])
	}
	return ""
}

// mailerOf is the mail program the person at addr writes with.
func mailerOf(addr string) string {
	if p, ok := personaOf(addr); ok {
		return p.mailer
	}
	// Everyone else: a stable choice by address.
	mailers := []string{"Microsoft Outlook 16.0", "Apple Mail (2.3774)", "Mozilla Thunderbird 128.4"}
	n := 0
	for _, r := range addr {
		n += int(r)
	}
	return mailers[n%len(mailers)]
}

// signOff is how a lead signs a message: their first name, and their
// full name, title and company below.
func signOff(first, full, title, company string) string {
	var b strings.Builder
	b.WriteString("Best regards,\n" + first + "\n\n-- \n" + full)
	if title != "" {
		b.WriteString("\n" + title)
		if company != "" {
			b.WriteString(", " + company)
		}
	} else if company != "" {
		b.WriteString("\n" + company)
	}
	return b.String() + "\n"
}
