package importer

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/leadmail/leadmail/store"
)

// The fields a column can map to, besides custom.KEY and "-".
const (
	fFirst   = "first_name"
	fLast    = "last_name"
	fName    = "name"
	fEmail   = "email"
	fPhone   = "phone"
	fCompany = "company"
	fTitle   = "title"
	fCity    = "city"
	fCountry = "country"
	fKind    = "kind"
	fStatus  = "status"
	fOwner   = "owner"
	fDrop    = "-"
)

// synonyms maps a squashed header (see squash) to a field. It covers the
// headers of HubSpot, Salesforce, Google Contacts (current and legacy),
// Outlook, Pipedrive, Thunderbird and leadmail's own export.
var synonyms = map[string]string{
	"firstname": fFirst, "givenname": fFirst, "first": fFirst, "forename": fFirst,
	"lastname": fLast, "familyname": fLast, "surname": fLast, "last": fLast,
	"name": fName, "fullname": fName, "displayname": fName, "contactname": fName, "contact": fName,
	"email": fEmail, "emailaddress": fEmail, "email1value": fEmail, "workemail": fEmail,
	"primaryemail": fEmail, "emailwork": fEmail, "email1": fEmail, "businessemail": fEmail,
	"emailhome": fEmail, "emailother": fEmail, "email2value": fEmail, "homeemail": fEmail,
	"email2address": fEmail, "secondaryemail": fEmail, "mail": fEmail,
	"phone": fPhone, "phonenumber": fPhone, "phone1value": fPhone, "businessphone": fPhone,
	"mobilephone": fPhone, "workphone": fPhone, "mobile": fPhone, "mobilenumber": fPhone,
	"phonework": fPhone, "phonemobile": fPhone, "telephone": fPhone, "mobilephonenumber": fPhone,
	"homephone": fPhone, "primaryphone": fPhone,
	"company": fCompany, "companyname": fCompany, "organization": fCompany, "organisation": fCompany,
	"organization1name": fCompany, "organizationname": fCompany, "accountname": fCompany,
	"companyaccount": fCompany, "org": fCompany, "employer": fCompany, "account": fCompany,
	"title": fTitle, "jobtitle": fTitle, "organization1title": fTitle, "organizationtitle": fTitle,
	"position": fTitle, "role": fTitle,
	"city": fCity, "businesscity": fCity, "mailingcity": fCity, "workcity": fCity,
	"address1city": fCity, "homecity": fCity, "othercity": fCity, "town": fCity,
	"country": fCountry, "countryregion": fCountry, "businesscountryregion": fCountry,
	"mailingcountry": fCountry, "workcountry": fCountry, "address1country": fCountry,
	"homecountry": fCountry, "homecountryregion": fCountry,
	"kind": fKind, "status": fStatus, "owner": fOwner, "owneremail": fOwner,
	// The owner as the exporting CRM names it: HubSpot and Salesforce write
	// the user's name, some exports the email; the import resolves either.
	"ownername": fOwner, "contactowner": fOwner, "leadowner": fOwner, "hubspotowner": fOwner,
	"accountowner": fOwner, "recordowner": fOwner, "salesowner": fOwner,
}

// presets recognise an exporting application by its header and adjust the
// generic mapping where its headers mean something else.
var presets = []struct {
	name  string
	match func(h map[string]bool) bool
	over  map[string]string
}{
	{"leadmail", func(h map[string]bool) bool { return h["kind"] && h["status"] && h["firstname"] && h["email"] }, nil},
	{"hubspot", func(h map[string]bool) bool { return h["recordid"] || h["lifecyclestage"] || h["hubspotowner"] },
		nil},
	{"salesforce", func(h map[string]bool) bool {
		return h["contactid"] || h["leadid"] || h["companyaccount"] || h["leadowner"] ||
			h["mailingcity"] || h["mailingcountry"] || (h["accountname"] && h["contactowner"])
	}, nil},
	{"google-legacy", func(h map[string]bool) bool { return h["email1value"] && h["givenname"] }, nil},
	{"google", func(h map[string]bool) bool { return h["email1value"] }, nil},
	{"thunderbird", func(h map[string]bool) bool { return h["primaryemail"] && h["displayname"] }, nil},
	{"outlook", func(h map[string]bool) bool { return h["emailaddress"] && (h["emaildisplayname"] || h["businesscity"]) },
		// Outlook's "Title" is the honorific (Mr., Dr.); the job is "Job Title".
		map[string]string{"title": "custom.honorific"}},
	{"pipedrive", func(h map[string]bool) bool { return h["personname"] || h["personemail"] || h["personorganization"] }, nil},
}

// squash reduces a header to lower-case letters and digits, without a
// Pipedrive "Person - " prefix, for synonym lookup.
func squash(h string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(h) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// snake turns a header into a custom-field key: lower case, runs of other
// characters as one underscore.
func snake(h string) string {
	var b strings.Builder
	under := false
	for _, r := range strings.ToLower(strings.TrimSpace(h)) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if under && b.Len() > 0 {
				b.WriteByte('_')
			}
			under = false
			b.WriteRune(r)
		} else {
			under = true
		}
	}
	return b.String()
}

// mapColumns decides the field of each column.
func mapColumns(header []string, user map[string]string) (fields []string, source string) {
	h := map[string]bool{}
	for _, col := range header {
		h[squash(col)] = true
	}
	source = "generic"
	var over map[string]string
	for _, p := range presets {
		if p.match(h) {
			source, over = p.name, p.over
			break
		}
	}
	userMap := map[string]string{}
	for k, v := range user {
		userMap[strings.ToLower(strings.TrimSpace(k))] = strings.TrimSpace(v)
	}
	fields = make([]string, len(header))
	for i, col := range header {
		sq := squash(col)
		if strings.HasPrefix(sq, "person") && len(sq) > len("person") && source == "pipedrive" {
			sq = strings.TrimPrefix(sq, "person")
		}
		low := strings.ToLower(strings.TrimSpace(col))
		switch {
		case userMap[low] != "":
			fields[i] = userMap[low]
		case strings.HasPrefix(low, "custom."):
			fields[i] = "custom." + snake(col[strings.Index(col, ".")+1:])
		case strings.HasPrefix(source, "google") && googleNoise(sq):
			fields[i] = fDrop
		case over[sq] != "":
			fields[i] = over[sq]
		case synonyms[sq] != "":
			fields[i] = synonyms[sq]
		case snake(col) == "":
			fields[i] = fDrop
		default:
			fields[i] = "custom." + snake(col)
		}
	}
	return fields, source
}

// sameField says which columns import as the same field: only the first
// non-empty value of a row is kept, which the user should know before
// importing. A Google export's numbered emails and phones are such
// columns, and meant to be.
func sameField(header, fields []string) []string {
	var out []string
	for i, f := range fields {
		if f == fDrop || slices.Index(fields, f) != i {
			continue
		}
		var cols []string
		for j := i; j < len(fields); j++ {
			if fields[j] == f {
				cols = append(cols, strconv.Quote(header[j]))
			}
		}
		if len(cols) > 1 {
			all := "all"
			if len(cols) == 2 {
				all = "both"
			}
			out = append(out, fmt.Sprintf("columns %s %s import as %s: each row keeps the first one that is not empty",
				strings.Join(cols, " and "), all, f))
		}
	}
	return out
}

// googleNoise reports whether a Google Contacts column carries nothing a
// salesperson keeps: the label or type of each numbered email, phone or
// address ("E-mail 1 - Label", legacy "Phone 2 - Type") and the photo URL.
func googleNoise(sq string) bool {
	if sq == "photo" {
		return true
	}
	for _, suffix := range []string{"label", "type"} {
		if rest, ok := strings.CutSuffix(sq, suffix); ok {
			rest = strings.TrimRight(rest, "0123456789")
			switch rest {
			case "email", "phone", "address", "website", "im", "relation", "event", "externalid":
				return true
			}
		}
	}
	return false
}

// ValidField reports whether f can be the target of Options.Map.
func ValidField(f string) bool {
	switch f {
	case fFirst, fLast, fName, fEmail, fPhone, fCompany, fTitle, fCity, fCountry,
		fKind, fStatus, fOwner, fDrop:
		return true
	}
	return strings.HasPrefix(f, "custom.") && snake(f[len("custom."):]) != ""
}

// isFooter reports whether a one-cell row is a Salesforce report footer.
func isFooter(cell string) bool {
	c := strings.ToLower(strings.TrimSpace(cell))
	for _, p := range []string{"grand totals", "copyright", "confidential information", "generated by", "salesforce.com"} {
		if strings.HasPrefix(c, p) || strings.Contains(c, "salesforce.com, inc") {
			return true
		}
	}
	return false
}

// newCSVReader opens r as CSV with the separator of head's first line and
// reads the header; it checks opts.Map.
func newCSVReader(r io.Reader, head string, opts Options) (*csv.Reader, []string, error) {
	for k, v := range opts.Map {
		if !ValidField(v) {
			return nil, nil, fmt.Errorf("--map %s=%s: unknown field", k, v)
		}
	}
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.Comma = sniffComma(head)
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, nil, fmt.Errorf("empty file: %w", ErrFormat)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("header: %w", err)
	}
	for i := range header {
		header[i] = clean(header[i]) // shown in previews and reports
	}
	return cr, header, nil
}

// sniffComma picks the separator of the header line: comma, semicolon (Excel
// in much of Europe) or tab.
func sniffComma(text string) rune {
	first, _, _ := strings.Cut(text, "\n")
	best, n := ',', strings.Count(first, ",")
	for _, c := range []rune{';', '\t'} {
		if k := strings.Count(first, string(c)); k > n {
			best, n = c, k
		}
	}
	return best
}

// firstValue is the first of the values Google Contacts joins with " ::: "
// when a person has several of one kind (two work emails), else v.
func firstValue(v string) string {
	first, _, ok := strings.Cut(v, ":::")
	if !ok {
		return v
	}
	return strings.TrimSpace(first)
}

func csvRow(line int, rec, fields []string) Row {
	row := Row{Line: line, Raw: rec}
	c := &row.Contact
	var full string
	for i, v := range rec {
		v = strings.TrimSpace(v)
		if v == "" || i >= len(fields) {
			continue
		}
		set := func(dst *string) {
			if *dst == "" {
				*dst = v
			}
		}
		switch f := fields[i]; f {
		case fFirst:
			set(&c.FirstName)
		case fLast:
			set(&c.LastName)
		case fName:
			set(&full)
		case fEmail:
			v = firstValue(v)
			set(&c.Email)
		case fPhone:
			v = firstValue(v)
			set(&c.Phone)
		case fCompany:
			set(&c.Company)
		case fTitle:
			set(&c.Title)
		case fCity:
			set(&c.City)
		case fCountry:
			set(&c.Country)
		case fKind:
			c.Kind = store.Kind(strings.ToLower(v))
		case fStatus:
			c.Status = store.Status(strings.ToLower(v))
		case fOwner:
			set(&row.Owner)
		case fDrop:
		default:
			if c.Custom == nil {
				c.Custom = map[string]string{}
			}
			key := strings.TrimPrefix(f, "custom.")
			if _, ok := c.Custom[key]; !ok {
				c.Custom[key] = v
			}
		}
	}
	if c.FirstName == "" && c.LastName == "" && full != "" {
		c.FirstName, c.LastName = splitName(full)
	}
	return row
}
