package mail

import (
	"errors"
	"reflect"
	"testing"
)

func TestParseAddress(t *testing.T) {
	tests := []struct {
		in      string
		want    Address
		wantErr string
	}{
		{in: "jane@acme.example", want: Address{Email: "jane@acme.example"}},
		{in: "  Jane Doe <jane@acme.example> ", want: Address{Name: "Jane Doe", Email: "jane@acme.example"}},
		{in: `"Doe, Jane" <jane@acme.example>`, want: Address{Name: "Doe, Jane", Email: "jane@acme.example"}},
		{in: "=?utf-8?q?J=C3=BCrgen?= <jm@acme.example>", want: Address{Name: "Jürgen", Email: "jm@acme.example"}},
		{in: "Jürgen Müller <jm@acme.example>", want: Address{Name: "Jürgen Müller", Email: "jm@acme.example"}},
		{in: "", wantErr: "email address is empty"},
		{in: "jane", wantErr: `"jane" is not a valid email address (expected name@domain)`},
		{in: "a@b, c@d", wantErr: `"a@b, c@d" holds more than one email address`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseAddress(tt.in)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseAddress = %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}

func TestAddressStringRoundTrips(t *testing.T) {
	for _, a := range []Address{
		{Email: "a@b.example"},
		{Name: "Jane Doe", Email: "jane@acme.example"},
		{Name: "Doe, Jane (Sales)", Email: "jane@acme.example"},
		{Name: `Say "hi" \ bye`, Email: "x@acme.example"},
		{Name: "Jane D. Smith", Email: "x@acme.example"},
		{Name: "Müller, Jürgen", Email: "jm@acme.example"},
	} {
		s := a.String()
		back, err := ParseAddress(s)
		if err != nil || back != a {
			t.Errorf("ParseAddress(%q) = %+v, %v; want %+v", s, back, err, a)
		}
	}
	if got := (Address{Name: "Jane\r\nBcc: x", Email: "j@x.example"}).String(); got != `"Jane Bcc: x" <j@x.example>` {
		t.Errorf("String with CRLF name = %q", got)
	}
}

func TestParseAddressList(t *testing.T) {
	tests := []struct {
		in      string
		want    []Address
		wantErr bool
	}{
		{in: "", want: nil},
		{in: " , ; ", want: nil},
		{in: "a@x.example", want: []Address{{Email: "a@x.example"}}},
		{in: `"Doe, Jane" <j@x.example>; bob@y.example, , Ann <ann@z.example>,`, want: []Address{
			{Name: "Doe, Jane", Email: "j@x.example"}, {Email: "bob@y.example"}, {Name: "Ann", Email: "ann@z.example"},
		}},
		{in: "Sales (team, EMEA) <s@x.example>", want: []Address{{Name: "Sales", Email: "s@x.example"}}},
		{in: "a@x.example, bob@", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseAddressList(tt.in)
			if (err != nil) != tt.wantErr || !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("ParseAddressList = %+v, %v; want %+v (error %v)", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestCheckFromDomain(t *testing.T) {
	verified := []string{"brightpath.example", "@Sales.Example."}
	tests := []struct {
		from    string
		list    []string
		wantErr string
	}{
		{from: "sam@brightpath.example", list: verified},
		{from: "Sam <SAM@BrightPath.Example>", list: verified},
		{from: "sam@sales.example", list: verified},
		{from: "sam@gmail.example", list: []string{"a.com", "b.com"},
			wantErr: `From address "sam@gmail.example" is not on a verified domain (verified: a.com, b.com)`},
		{from: "sam@sub.brightpath.example", list: verified,
			wantErr: `From address "sam@sub.brightpath.example" is not on a verified domain (verified: brightpath.example, @Sales.Example.)`},
		{from: "sam@brightpath.example", list: nil,
			wantErr: `From address "sam@brightpath.example" is not on a verified domain (verified: none)`},
		{from: "not an address", list: verified, wantErr: `from address: "not an address" is not a valid email address (expected name@domain)`},
	}
	for _, tt := range tests {
		t.Run(tt.from, func(t *testing.T) {
			err := CheckFromDomain(tt.from, tt.list)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("CheckFromDomain = %v", err)
				}
				return
			}
			if err == nil || err.Error() != tt.wantErr {
				t.Fatalf("error = %v\nwant    %s", err, tt.wantErr)
			}
		})
	}
	var de *DomainError
	if err := CheckFromDomain("x@y.example", []string{"z.example"}); !errors.As(err, &de) || de.From != "x@y.example" {
		t.Errorf("error is not a *DomainError: %#v", err)
	}
}
