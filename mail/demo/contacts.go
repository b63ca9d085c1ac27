package demo

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/leadmail/leadmail/store"
)

// historyPeople is how many people get a Life of the Lead beyond "created".
const historyPeople = 40

// showcase people are always owned by the Sender and always have history, so
// the demo opens on names a CRM tends to get wrong in a greeting.
var showcase = []string{"Jürgen Müller", "Zoë Ångström", "José Núñez",
	"Chloé Lefèvre", "Łukasz Wójcik", "Søren Kjærgaard", "Siobhan O'Brien", "Ingrid", "Markus Ebner"}

var statusWeights = []weighted[store.Status]{
	{store.StatusOpen, 30},
	{store.StatusUnqualified, 12},
	{store.StatusQualified, 22},
	{store.StatusContact, 20},
	{store.StatusContactWithOpportunity, 16},
}

var sourceWeights = []weighted[string]{
	{"Website form", 30}, {"Referral", 15}, {"Trade show", 15},
	{"LinkedIn", 15}, {"Webinar", 10}, {"Cold outreach", 10}, {"Partner", 5},
}

// seedContacts builds the people, chooses their status, owner, phone and custom
// fields, plans the history of some of them, and creates them oldest first
// so that ids follow creation dates.
func (s *seeder) seedContacts(ctx context.Context) error {
	ps := make([]seededPerson, len(people))
	scores := make([]float64, len(people))
	for i, p := range people {
		c, show := s.buildContact(i, p)
		owner := pick(s.rnd, s.owners)
		if show {
			owner = s.sender
		}
		c.OwnerID, c.OwnerName = owner.ID, owner.Name
		ps[i] = seededPerson{Contact: c, owner: owner}
		scores[i] = statusScore(c.Status) + 2*s.rnd.Float64()
		if show {
			scores[i] += 100
		}
	}
	// The best-scoring people get a history; the rest were imported earlier
	// and have only their "created" event.
	order := make([]int, len(ps))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(scores[b], scores[a]) })
	for rank, i := range order {
		if rank < historyPeople {
			ps[i].story = s.plan(ps[i].Contact)
		} else {
			at := workingHours(s.now.Add(-time.Duration(95+s.rnd.IntN(270))*day-
				time.Duration(s.rnd.IntN(24*3600))*time.Second), time.Duration(s.rnd.IntN(9*3600))*time.Second)
			ps[i].story = []step{{at: at, kind: store.EventCreated}}
		}
		ps[i].CreatedAt = ps[i].story[0].at
		ps[i].UpdatedAt = ps[i].CreatedAt
	}
	// CreateContact stamps the store's clock on the contact and its
	// "created" event; InsertContacts keeps the times given, and history.go
	// writes "created" at the right moment among the other events.
	slices.SortStableFunc(ps, func(a, b seededPerson) int { return a.CreatedAt.Compare(b.CreatedAt) })
	cs := make([]store.Contact, len(ps))
	for i := range ps {
		cs[i] = ps[i].Contact
	}
	if err := s.db.InsertContacts(ctx, cs); err != nil {
		return err
	}
	for i := range ps {
		ps[i].Contact = cs[i]
	}
	s.res.Contacts += len(cs)
	s.people = ps
	return nil
}

// buildContact turns people[i] into a contact, and reports whether it is one
// of the showcase people.
func (s *seeder) buildContact(i int, p person) (store.Contact, bool) {
	c := store.Contact{FirstName: p.First, LastName: p.Last, Title: p.Title}
	var co company
	if p.Co == cNone {
		co = company{Industry: "Consulting", Employees: "1-10"}
		c.City, c.Country = independentCity(i)
	} else {
		co = companies[p.Co]
		c.Company, c.City, c.Country = co.Name, co.City, co.Country
	}
	switch {
	case p.Email == noEmail:
	case p.Email != "":
		c.Email = p.Email
	default:
		c.Email = emailFor(p, p.Co, co)
	}
	c.Status = pick(s.rnd, statusWeights)
	c.Kind = store.KindLead
	if c.Status == store.StatusContact || c.Status == store.StatusContactWithOpportunity {
		c.Kind = store.KindContact
	}
	if s.rnd.IntN(100) < 85 || c.Email == "" {
		c.Phone = phoneFor(c.City, s.rnd)
	}
	if s.rnd.IntN(100) < 88 {
		c.Custom = map[string]string{
			"industry":  co.Industry,
			"employees": co.Employees,
			"source":    pick(s.rnd, sourceWeights),
		}
		if s.rnd.IntN(100) < 65 {
			c.Custom["plan_interest"] = planFor(co.Employees, s.rnd)
		}
	}
	if c.Email == BouncingAddress { // a lead who never got to answer
		c.Status, c.Kind = store.StatusOpen, store.KindLead
	}
	return c, slices.Contains(showcase, c.Name())
}

func statusScore(st store.Status) float64 {
	switch st {
	case store.StatusContactWithOpportunity:
		return 3
	case store.StatusContact:
		return 2.5
	case store.StatusQualified:
		return 2
	case store.StatusUnqualified:
		return 1
	}
	return 0.8
}

// planFor picks the plan a company of this size is most likely to ask about.
func planFor(employees string, rnd *rand.Rand) string {
	plans := []weighted[string]{{"Starter", 5}, {"Pro", 4}, {"Enterprise", 1}}
	switch employees {
	case "201-500":
		plans = []weighted[string]{{"Starter", 1}, {"Pro", 6}, {"Enterprise", 3}}
	case "501-1000":
		plans = []weighted[string]{{"Pro", 3}, {"Enterprise", 7}}
	}
	return pick(rnd, plans)
}

// independentCity places people who have no company.
func independentCity(i int) (city, country string) {
	places := [][2]string{{"Berlin", "Germany"}, {"London", "United Kingdom"}, {"Seattle", "United States"}}
	p := places[i%len(places)]
	return p[0], p[1]
}

// emailFor derives an address in the company's own convention: most use
// first.last, some f.last or just the first name.
func emailFor(p person, idx int, co company) string {
	german := co.Country == "Germany" || co.Country == "Austria" || co.Country == "Switzerland"
	first, last := mailbox(p.First, german), mailbox(p.Last, german)
	local := first + "." + last
	switch {
	case last == "":
		local = first
	case idx%4 == 2:
		local = first[:1] + "." + last
	case idx%4 == 3 && co.Employees == "11-50":
		local = first
	}
	return local + "@" + co.Domain
}

// mailbox folds a name to the ASCII an address would use: diacritics dropped
// (German umlauts as ae, oe, ue), spaces and apostrophes removed.
func mailbox(name string, german bool) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if s, ok := germanFold[r]; ok && german {
			b.WriteString(s)
			continue
		}
		if s, ok := fold[r]; ok {
			b.WriteString(s)
			continue
		}
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-') {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// germanFold is how German-speaking companies spell umlauts in addresses.
var germanFold = map[rune]string{'ä': "ae", 'ö': "oe", 'ü': "ue"}

// fold maps the accented letters used in the demo names to ASCII.
var fold = map[rune]string{
	'à': "a", 'á': "a", 'â': "a", 'ã': "a", 'ä': "a", 'å': "a", 'ą': "a", 'æ': "ae",
	'ç': "c", 'ć': "c", 'è': "e", 'é': "e", 'ê': "e", 'ë': "e", 'ę': "e",
	'ì': "i", 'í': "i", 'î': "i", 'ï': "i", 'ł': "l", 'ñ': "n", 'ń': "n",
	'ò': "o", 'ó': "o", 'ô': "o", 'õ': "o", 'ö': "o", 'ø': "o", 'œ': "oe",
	'ś': "s", 'ß': "ss", 'ù': "u", 'ú': "u", 'û': "u", 'ü': "u", 'ý': "y",
	'ź': "z", 'ż': "z",
}

// cityPhone is the international prefix and area code of each demo city.
// North American numbers use 555-01xx and British ones Ofcom's drama ranges,
// both reserved for fiction.
var cityPhone = map[string]string{
	"Hamburg": "+49 40", "Munich": "+49 89", "Stuttgart": "+49 711", "Berlin": "+49 30",
	"Lyon": "+33 4 78", "Paris": "+33 1 42", "Bordeaux": "+33 5 56",
	"Madrid": "+34 91", "Barcelona": "+34 93", "Kraków": "+48 12", "Warsaw": "+48 22",
	"Gothenburg": "+46 31", "Stockholm": "+46 8", "Copenhagen": "+45 33",
	"Rotterdam": "+31 10", "Amsterdam": "+31 20", "Dublin": "+353 1",
	"Innsbruck": "+43 512", "Helsinki": "+358 9", "Milan": "+39 02",
	"Porto": "+351 22", "Zurich": "+41 44",
	"London": "+44 20 7946", "Manchester": "+44 161 496", "Edinburgh": "+44 131 496",
	"Portland": "+1 503", "Chicago": "+1 312", "San Francisco": "+1 415",
	"Austin": "+1 512", "Boston": "+1 617", "Atlanta": "+1 404", "New York": "+1 212",
	"Toronto": "+1 416", "Montréal": "+1 514", "Vancouver": "+1 604",
	"Phoenix": "+1 602", "Seattle": "+1 206",
}

// phoneFor makes a phone number in the city's format.
func phoneFor(city string, rnd *rand.Rand) string {
	prefix := cityPhone[city]
	switch {
	case strings.HasPrefix(prefix, "+1 "):
		return fmt.Sprintf("%s 555 01%02d", prefix, rnd.IntN(100))
	case strings.HasPrefix(prefix, "+44 "):
		return fmt.Sprintf("%s 0%03d", prefix, rnd.IntN(1000))
	case prefix == "":
		prefix = "+44 20 7946"
		return fmt.Sprintf("%s 0%03d", prefix, rnd.IntN(1000))
	}
	return fmt.Sprintf("%s %03d %04d", prefix, 100+rnd.IntN(900), rnd.IntN(10000))
}
