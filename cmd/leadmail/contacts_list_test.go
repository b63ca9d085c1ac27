package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// TestContactsListFlags runs `leadmail contacts` with the sort and filter
// flags against the demo world and checks the order and the filters.
func TestContactsListFlags(t *testing.T) {
	e := newCLIEnv(t)
	list := func(args ...string) []contactJSON {
		t.Helper()
		out, err := e.run(t, append([]string{"contacts", "--json", "--limit", "500"}, args...)...)
		if err != nil {
			t.Fatalf("contacts %v: %v", args, err)
		}
		var cs []contactJSON
		if err := json.Unmarshal([]byte(out), &cs); err != nil {
			t.Fatalf("contacts %v: %v\n%s", args, err, out)
		}
		return cs
	}
	all := list()
	if len(all) < 5 {
		t.Fatalf("the demo world has %d contacts", len(all))
	}
	byCompany := list("--sort", "company")
	byCompanyDesc := list("--sort", "company", "--desc")
	if len(byCompany) != len(all) || len(byCompanyDesc) != len(all) {
		t.Fatalf("sorting lost rows: %d, %d of %d", len(byCompany), len(byCompanyDesc), len(all))
	}
	// The companies mirror each other, and the people without one come
	// last both ways. (Ties, the same company, are in id order, which
	// --desc reverses.)
	companies := func(cs []contactJSON) (named, blank []string) {
		for _, c := range cs {
			if c.Company == "" {
				blank = append(blank, c.Name)
			} else {
				named = append(named, c.Company)
			}
		}
		return named, blank
	}
	named, blank := companies(byCompany)
	namedDesc, blankDesc := companies(byCompanyDesc)
	if len(blank) == 0 || byCompany[len(byCompany)-1].Company != "" || byCompanyDesc[len(byCompanyDesc)-1].Company != "" {
		t.Errorf("the people without a company are not last both ways: %q…, %q…", byCompany[len(byCompany)-1].Name, byCompanyDesc[len(byCompanyDesc)-1].Name)
	}
	slices.Reverse(namedDesc)
	slices.Reverse(blankDesc)
	if !slices.Equal(named, namedDesc) || !slices.Equal(blank, blankDesc) {
		t.Errorf("--desc is not the reverse order:\n%q\n%q", named, namedDesc)
	}
	for _, c := range list("--status", "open") {
		if c.Status != "open" {
			t.Errorf("--status open listed %s (%s)", c.Name, c.Status)
		}
	}
	for _, c := range list("--kind", "contact", "--sort", "activity", "--desc") {
		if c.Kind != "contact" {
			t.Errorf("--kind contact listed %s", c.Name)
		}
	}
	if got := list("--stale", "100000"); len(got) != 0 {
		t.Errorf("--stale 100000 listed %d contacts active in the last 270 years", len(got))
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--sort", "age"}, "--sort"},
		{[]string{"--status", "hot"}, "--status"},
		{[]string{"--stale", "-3"}, "--stale"},
		{[]string{"--mine", "--owner", "a@example.com"}, "give one"},
		{[]string{"--owner", "nobody@example.com"}, "not a user"},
	} {
		_, err := e.run(t, append([]string{"contacts"}, tc.args...)...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("contacts %v: %v, want an error saying %q", tc.args, err, tc.want)
		}
	}
}
