package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/leadmail/leadmail/store"
)

// SyntheticBatch is how many contacts Synthetic generates and hands to
// store.DB.LoadContacts at a time: memory stays flat at a million rows.
const SyntheticBatch = 10_000

// syntheticCompanies is the size of the generated company pool.
const syntheticCompanies = 5_000

var (
	syllables = []string{"ka", "lo", "ri", "ma", "ten", "sa", "vo", "lin", "da", "mi",
		"ro", "bel", "an", "to", "ne", "ga", "fer", "ul", "ke", "is", "mo", "har", "el",
		"zu", "pe", "dor", "ja", "wen", "qui", "bra", "sto", "li", "mar", "ve", "nor", "ti", "sun"}
	companySuffixes = []string{"GmbH", "Ltd", "Inc.", "AB", "SA", "BV", "Group", "Systems",
		"Logistics", "Partners", "Labs", "& Co", "Holdings", "Services"}
	industries = []string{"Logistics", "Manufacturing", "Retail", "Healthcare", "Software",
		"Financial Services", "Construction", "Hospitality", "Energy", "Media",
		"Food & Beverage", "Professional Services", "Real Estate", "Legal", "Design"}
	sizeBands = []string{"1-10", "11-50", "51-200", "201-500", "501-1000", "1000+"}
	titles    = []string{"CEO", "COO", "CFO", "Head of Sales", "Sales Manager", "Account Manager",
		"Operations Manager", "IT Director", "Marketing Manager", "Procurement Lead",
		"Office Manager", "Founder", "Project Manager", "Finance Director", ""}
)

// syntheticPlaces are a city of the synthetic data set (a slice, not the
// cityPhone map, so that the order and therefore the data are fixed).
var syntheticPlaces = [][2]string{
	{"Hamburg", "Germany"}, {"Munich", "Germany"}, {"Paris", "France"}, {"Lyon", "France"},
	{"Madrid", "Spain"}, {"Warsaw", "Poland"}, {"Stockholm", "Sweden"}, {"Copenhagen", "Denmark"},
	{"Amsterdam", "Netherlands"}, {"Dublin", "Ireland"}, {"London", "United Kingdom"},
	{"Manchester", "United Kingdom"}, {"Milan", "Italy"}, {"Zurich", "Switzerland"},
	{"New York", "United States"}, {"Chicago", "United States"}, {"Austin", "United States"},
	{"San Francisco", "United States"}, {"Toronto", "Canada"}, {"Vancouver", "Canada"},
}

// Synthetic inserts n generated contacts: names built from syllables,
// companies from a pool of 5,000 generated ones on .example domains, a mix
// of kinds and statuses, owners chosen evenly among owners (none when owners
// is empty). They go in through LoadContacts, in one transaction and in
// batches of SyntheticBatch, so no events are written and, for a large n,
// the indexes are built once at the end. rnd makes the data reproducible;
// nil means a fixed seed. It stops between batches when ctx is done, and
// then nothing is written.
func Synthetic(ctx context.Context, db *store.DB, n int, owners []store.User, rnd *rand.Rand) error {
	return synthetic(ctx, db, n, owners, rnd, SyntheticBatch, nil)
}

// SyntheticProgress is Synthetic calling progress with the number of
// contacts generated and inserted so far after each batch, so a long seed
// can show how far it is; after the last one the indexes are still to be
// built and the transaction to be committed.
func SyntheticProgress(ctx context.Context, db *store.DB, n int, owners []store.User, rnd *rand.Rand, progress func(done int)) error {
	return synthetic(ctx, db, n, owners, rnd, SyntheticBatch, progress)
}

// synthetic is Synthetic with the batch size as a parameter, so tests can
// cross batch boundaries without inserting tens of thousands of rows.
func synthetic(ctx context.Context, db *store.DB, n int, owners []store.User, rnd *rand.Rand, size int, progress func(int)) error {
	if rnd == nil {
		rnd = rand.New(rand.NewPCG(demoSeed, 1))
	}
	orgs := make([]syntheticOrg, syntheticCompanies)
	for i := range orgs {
		base := syllableWord(rnd, 2+rnd.IntN(2))
		orgs[i] = syntheticOrg{
			name:     base + " " + companySuffixes[rnd.IntN(len(companySuffixes))],
			domain:   fmt.Sprintf("%s%d.example", strings.ToLower(base), i),
			industry: industries[rnd.IntN(len(industries))],
			size:     sizeBands[rnd.IntN(len(sizeBands))],
		}
	}
	batch := make([]store.Contact, 0, max(0, min(n, size)))
	err := db.LoadContacts(ctx, n, func(add func([]store.Contact) error) error {
		for done := 0; done < n; {
			if err := ctx.Err(); err != nil {
				return err
			}
			batch = batch[:0]
			for range min(size, n-done) {
				batch = append(batch, syntheticContact(rnd, orgs, owners))
			}
			if err := add(batch); err != nil {
				return fmt.Errorf("contacts %d-%d: %w", done+1, done+len(batch), err)
			}
			done += len(batch)
			if progress != nil {
				progress(done)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("synthetic contacts: %w", err)
	}
	return nil
}

// syntheticContact makes one contact at one of orgs, owned by one of owners.
func syntheticContact(rnd *rand.Rand, orgs []syntheticOrg, owners []store.User) store.Contact {
	o := orgs[rnd.IntN(len(orgs))]
	first, last := syllableWord(rnd, 2), syllableWord(rnd, 2+rnd.IntN(2))
	place := syntheticPlaces[rnd.IntN(len(syntheticPlaces))]
	c := store.Contact{
		Kind:      store.KindLead,
		Status:    pick(rnd, statusWeights),
		FirstName: first,
		LastName:  last,
		Email:     strings.ToLower(first+"."+last) + "@" + o.domain,
		Company:   o.name,
		Title:     titles[rnd.IntN(len(titles))],
		City:      place[0],
		Country:   place[1],
	}
	if c.Status == store.StatusContact || c.Status == store.StatusContactWithOpportunity {
		c.Kind = store.KindContact
	}
	if rnd.IntN(100) < 70 {
		c.Phone = phoneFor(c.City, rnd)
	}
	if len(owners) > 0 {
		c.OwnerID = owners[rnd.IntN(len(owners))].ID
	}
	if rnd.IntN(100) < 80 {
		c.Custom = map[string]string{"industry": o.industry, "employees": o.size,
			"source": pick(rnd, sourceWeights)}
		if rnd.IntN(2) == 0 {
			c.Custom["plan_interest"] = planFor(o.size, rnd)
		}
	}
	return c
}

// syntheticOrg is a generated company.
type syntheticOrg struct{ name, domain, industry, size string }

// syllableWord makes a capitalised pseudo-name of k syllables.
func syllableWord(rnd *rand.Rand, k int) string {
	var b strings.Builder
	for i := range k {
		s := syllables[rnd.IntN(len(syllables))]
		if i == 0 {
			s = strings.ToUpper(s[:1]) + s[1:]
		}
		b.WriteString(s)
	}
	return b.String()
}
