package store

import (
	"errors"
	"strings"
	"testing"
)

func TestMoneyFormats(t *testing.T) {
	for _, tc := range []struct {
		m           Money
		full, short string
	}{
		{Money{1_200_000, "EUR"}, "€12,000.00", "€12,000"},
		{Money{150_000, "USD"}, "$1,500.00", "$1,500"},
		{Money{90_000, "CHF"}, "CHF 900.00", "CHF 900"},
		{Money{1_200_050, "EUR"}, "€12,000.50", "€12,000.50"},
		{Money{1500, "JPY"}, "¥1,500", "¥1,500"},
		{Money{1_234_567, "KWD"}, "KWD 1,234.567", "KWD 1,234.567"},
		{Money{5, "GBP"}, "£0.05", "£0.05"},
		{Money{0, "EUR"}, "€0.00", "€0"},
		{Money{-250, "USD"}, "-$2.50", "-$2.50"},
		{Money{123_456_789_012, "SEK"}, "SEK 1,234,567,890.12", "SEK 1,234,567,890.12"},
	} {
		if got := tc.m.String(); got != tc.full {
			t.Errorf("%+v.String() = %q, want %q", tc.m, got, tc.full)
		}
		if got := tc.m.Short(); got != tc.short {
			t.Errorf("%+v.Short() = %q, want %q", tc.m, got, tc.short)
		}
	}
}

func TestParseMoney(t *testing.T) {
	for _, tc := range []struct {
		s, cur string
		want   Money
	}{
		{"12000", "EUR", Money{1_200_000, "EUR"}},
		{"12,000.50 EUR", "", Money{1_200_050, "EUR"}},
		{"12,000.5", "eur", Money{1_200_050, "EUR"}},
		{"EUR 12,000", "", Money{1_200_000, "EUR"}},
		{"€12,000", "", Money{1_200_000, "EUR"}},
		{"€ 12,000.00", "EUR", Money{1_200_000, "EUR"}},
		{"$1,500", "", Money{150_000, "USD"}},
		{"900 chf", "", Money{90_000, "CHF"}},
		{"1500", "JPY", Money{1500, "JPY"}},
		{"1,234.567", "KWD", Money{1_234_567, "KWD"}},
		{"0", "USD", Money{0, "USD"}},
		{"  007.10 ", "GBP", Money{710, "GBP"}},
	} {
		got, err := ParseMoney(tc.s, tc.cur)
		if err != nil || got != tc.want {
			t.Errorf("ParseMoney(%q, %q) = %+v, %v; want %+v", tc.s, tc.cur, got, err, tc.want)
		}
	}
}

func TestParseMoneyRefusals(t *testing.T) {
	for _, tc := range []struct{ s, cur, says string }{
		{"", "EUR", "empty"},
		{"12000", "", "needs its currency"},
		{"12000", "EUE", "not an ISO 4217"},
		{"12000 USD", "EUR", "give one currency"},
		{"-5", "EUR", "negative"},
		{"12.345", "EUR", "2 digits after the point"},
		{"12.5", "JPY", "no minor unit"},
		{"1,2000", "EUR", "not an amount"},
		{"12,00", "EUR", "not an amount"},
		{",100", "EUR", "not an amount"},
		{"12.", "EUR", "not an amount"},
		{"1e6", "EUR", "not an amount"},
		{"12 000", "EUR", "not an amount"},
		{"0x10", "EUR", "not an amount"},
		{"10000000000", "EUR", "too large"},
		{"99999999999999999999999", "EUR", "too large"},
	} {
		_, err := ParseMoney(tc.s, tc.cur)
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("ParseMoney(%q, %q) = %v, want ErrInvalid saying %q", tc.s, tc.cur, err, tc.says)
		}
	}
}

func TestCheckCurrencySentences(t *testing.T) {
	if err := CheckCurrency("usd"); err == nil || !strings.Contains(err.Error(), "capitals: USD") {
		t.Errorf("lower case: %v", err)
	}
	if err := CheckCurrency("EUR"); err != nil {
		t.Errorf("EUR: %v", err)
	}
	if d, ok := CurrencyDigits("JPY"); !ok || d != 0 {
		t.Errorf("JPY digits = %d, %v", d, ok)
	}
}

func TestWeightedRoundsHalfToEven(t *testing.T) {
	for _, tc := range []struct {
		v    int64
		p    int
		want int64
	}{
		{1, 50, 0}, // 0.5 → 0
		{3, 50, 2}, // 1.5 → 2
		{5, 50, 2}, // 2.5 → 2
		{7, 50, 4}, // 3.5 → 4
		{1, 75, 1}, // 0.75 → 1
		{1, 25, 0}, // 0.25 → 0
		{1_200_000, 75, 900_000},
		{333, 10, 33}, // 33.3
		{335, 10, 34}, // 33.5 → 34
		{345, 10, 34}, // 34.5 → 34
		{MaxMoneyMinor, 100, MaxMoneyMinor},
	} {
		if got := weighted(tc.v, tc.p); got != tc.want {
			t.Errorf("weighted(%d, %d) = %d, want %d", tc.v, tc.p, got, tc.want)
		}
	}
}

// FuzzParseMoney: whatever is typed, ParseMoney answers a valid amount or
// ErrInvalid, never panics; an amount it accepts reads back the same from
// its String and Short forms.
func FuzzParseMoney(f *testing.F) {
	for _, s := range []string{"12000", "12,000.50 EUR", "€1", "$1,500", "CHF 900", "1.5", "-1",
		"1,,000", "٣", "1.000,50", "EUR", "€", "12 000", "USD 1 2"} {
		f.Add(s, "EUR")
		f.Add(s, "")
	}
	f.Fuzz(func(t *testing.T, s, cur string) {
		m, err := ParseMoney(s, cur)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("ParseMoney(%q, %q): %v is not ErrInvalid", s, cur, err)
			}
			return
		}
		if m.Check() != nil {
			t.Fatalf("ParseMoney(%q, %q) = %+v, which does not pass Check", s, cur, m)
		}
		for _, form := range []string{m.String(), m.Short()} {
			back, err := ParseMoney(form, "")
			if err != nil || back != m {
				t.Fatalf("ParseMoney(%q) = %+v, %v; want %+v (from %q, %q)", form, back, err, m, s, cur)
			}
		}
	})
}
