package store

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// MaxMoneyMinor bounds an opportunity's value, in minor units (a little
// under ten billion euros): sums over a million opportunities stay far
// from int64's limit.
const MaxMoneyMinor int64 = 999_999_999_999

// Money is an amount in the minor unit (cents; yen have none) of an ISO
// 4217 currency. It is never a float.
type Money struct {
	Minor    int64
	Currency string // three upper-case letters: EUR, USD, CHF
}

// currencyDigits are the ISO 4217 currencies leadmail knows, with the
// number of digits of their minor unit.
var currencyDigits = map[string]int{
	"AED": 2, "AFN": 2, "ALL": 2, "AMD": 2, "ANG": 2, "AOA": 2, "ARS": 2, "AUD": 2,
	"AWG": 2, "AZN": 2, "BAM": 2, "BBD": 2, "BDT": 2, "BGN": 2, "BHD": 3, "BIF": 0,
	"BMD": 2, "BND": 2, "BOB": 2, "BRL": 2, "BSD": 2, "BTN": 2, "BWP": 2, "BYN": 2,
	"BZD": 2, "CAD": 2, "CDF": 2, "CHF": 2, "CLP": 0, "CNY": 2, "COP": 2, "CRC": 2,
	"CUP": 2, "CVE": 2, "CZK": 2, "DJF": 0, "DKK": 2, "DOP": 2, "DZD": 2, "EGP": 2,
	"ERN": 2, "ETB": 2, "EUR": 2, "FJD": 2, "FKP": 2, "GBP": 2, "GEL": 2, "GHS": 2,
	"GIP": 2, "GMD": 2, "GNF": 0, "GTQ": 2, "GYD": 2, "HKD": 2, "HNL": 2, "HTG": 2,
	"HUF": 2, "IDR": 2, "ILS": 2, "INR": 2, "IQD": 3, "IRR": 2, "ISK": 0, "JMD": 2,
	"JOD": 3, "JPY": 0, "KES": 2, "KGS": 2, "KHR": 2, "KMF": 0, "KPW": 2, "KRW": 0,
	"KWD": 3, "KYD": 2, "KZT": 2, "LAK": 2, "LBP": 2, "LKR": 2, "LRD": 2, "LSL": 2,
	"LYD": 3, "MAD": 2, "MDL": 2, "MGA": 2, "MKD": 2, "MMK": 2, "MNT": 2, "MOP": 2,
	"MRU": 2, "MUR": 2, "MVR": 2, "MWK": 2, "MXN": 2, "MYR": 2, "MZN": 2, "NAD": 2,
	"NGN": 2, "NIO": 2, "NOK": 2, "NPR": 2, "NZD": 2, "OMR": 3, "PAB": 2, "PEN": 2,
	"PGK": 2, "PHP": 2, "PKR": 2, "PLN": 2, "PYG": 0, "QAR": 2, "RON": 2, "RSD": 2,
	"RUB": 2, "RWF": 0, "SAR": 2, "SBD": 2, "SCR": 2, "SDG": 2, "SEK": 2, "SGD": 2,
	"SHP": 2, "SLE": 2, "SOS": 2, "SRD": 2, "SSP": 2, "STN": 2, "SYP": 2, "SZL": 2,
	"THB": 2, "TJS": 2, "TMT": 2, "TND": 3, "TOP": 2, "TRY": 2, "TTD": 2, "TWD": 2,
	"TZS": 2, "UAH": 2, "UGX": 0, "USD": 2, "UYU": 2, "UZS": 2, "VES": 2, "VND": 0,
	"VUV": 0, "WST": 2, "XAF": 0, "XCD": 2, "XOF": 0, "XPF": 0, "YER": 2, "ZAR": 2,
	"ZMW": 2, "ZWG": 2,
}

// currencySymbols are written before the amount instead of the code;
// every other currency is written as its code and a space ("CHF 900").
var currencySymbols = map[string]string{
	"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "INR": "₹", "KRW": "₩",
	"ILS": "₪", "NGN": "₦", "UAH": "₴", "VND": "₫", "PHP": "₱",
}

// CurrencyDigits is the number of digits of cur's minor unit (2 for EUR,
// 0 for JPY, 3 for KWD); ok is false for a code leadmail does not know.
func CurrencyDigits(cur string) (digits int, ok bool) {
	d, ok := currencyDigits[cur]
	return d, ok
}

// CheckCurrency refuses anything but a known ISO 4217 code in upper case,
// with a sentence.
func CheckCurrency(cur string) error {
	if _, ok := currencyDigits[cur]; ok {
		return nil
	}
	if _, ok := currencyDigits[strings.ToUpper(cur)]; ok {
		return invalid("write the currency in capitals: %s", strings.ToUpper(cur))
	}
	if cur == "" {
		return invalid("a value needs its currency, an ISO 4217 code such as EUR, USD or GBP")
	}
	return invalid("%q is not an ISO 4217 currency code leadmail knows (EUR, USD, GBP, CHF, …)", cur)
}

// Check refuses a negative or oversized amount, or an unknown currency,
// with a sentence.
func (m Money) Check() error {
	if err := CheckCurrency(m.Currency); err != nil {
		return err
	}
	switch {
	case m.Minor < 0:
		return invalid("the value cannot be negative")
	case m.Minor > MaxMoneyMinor:
		return invalid("the value is too large: at most %s", Money{MaxMoneyMinor, m.Currency}.String())
	}
	return nil
}

// String is the amount with its currency's symbol or code, grouped in
// thousands, with every digit of the minor unit: "€12,000.00",
// "$1,500.00", "CHF 900.00", "¥1,500". Short drops the minor digits when
// they are all zero.
func (m Money) String() string { return m.format(false) }

// Short is String without minor digits that are all zero: "€12,000",
// "$1,500", "CHF 900", but "€12,000.50".
func (m Money) Short() string { return m.format(true) }

func (m Money) format(short bool) string {
	digits, ok := currencyDigits[m.Currency]
	if !ok {
		digits = 2
	}
	neg := m.Minor < 0
	v := m.Minor
	if neg {
		v = -v
	}
	unit := int64(1)
	for range digits {
		unit *= 10
	}
	whole, frac := v/unit, v%unit
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	if sym, ok := currencySymbols[m.Currency]; ok {
		b.WriteString(sym)
	} else if m.Currency != "" {
		b.WriteString(m.Currency + " ")
	}
	b.WriteString(groupThousands(strconv.FormatInt(whole, 10)))
	if digits > 0 && (!short || frac != 0) {
		fmt.Fprintf(&b, ".%0*d", digits, frac)
	}
	return b.String()
}

// groupThousands puts a comma between each group of three digits.
func groupThousands(s string) string {
	if len(s) <= 3 {
		return s
	}
	var b strings.Builder
	lead := len(s) % 3
	if lead > 0 {
		b.WriteString(s[:lead])
	}
	for i := lead; i < len(s); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}

// ParseMoney reads an amount as a person types it: "12000", "12,000.50",
// "12000.5 EUR", "EUR 12,000", "€12,000", "$1,500". The currency is the
// one written in s, else cur ("" when s names one); when both are given
// they must agree. Commas group thousands, a point starts the minor
// digits (at most as many as the currency has). A refusal is ErrInvalid
// with a sentence.
func ParseMoney(s, cur string) (Money, error) {
	s = strings.TrimSpace(s)
	cur = strings.ToUpper(strings.TrimSpace(cur))
	amount, named, err := splitCurrency(s)
	if err != nil {
		return Money{}, err
	}
	switch {
	case named != "" && cur != "" && named != cur:
		return Money{}, invalid("%q is in %s, not %s: give one currency", s, named, cur)
	case named != "":
		cur = named
	}
	if err := CheckCurrency(cur); err != nil {
		return Money{}, err
	}
	minor, err := parseAmount(amount, currencyDigits[cur], cur)
	if err != nil {
		return Money{}, err
	}
	m := Money{Minor: minor, Currency: cur}
	return m, m.Check()
}

// splitCurrency takes a currency code (before or after the number) or a
// symbol (before it) off s.
func splitCurrency(s string) (amount, cur string, err error) {
	if s == "" {
		return "", "", invalid("the value is empty: write an amount such as 12000 or 12,000.50")
	}
	for code, sym := range currencySymbols {
		if rest, ok := strings.CutPrefix(s, sym); ok {
			return strings.TrimSpace(rest), code, nil
		}
	}
	if f := strings.Fields(s); len(f) == 2 {
		first, second := f[0], f[1]
		switch {
		case isLetters(first):
			return second, strings.ToUpper(first), nil
		case isLetters(second):
			return first, strings.ToUpper(second), nil
		}
	}
	return s, "", nil
}

func isLetters(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}

// parseAmount reads digits with commas between groups of three and at
// most digits minor digits after a point, as minor units of cur.
func parseAmount(s string, digits int, cur string) (int64, error) {
	bad := func() (int64, error) {
		return 0, invalid("%q is not an amount: write digits, commas between thousands if you like, a point before the cents (12,000.50)", s)
	}
	if s == "" {
		return 0, invalid("the value is empty: write an amount such as 12000 or 12,000.50")
	}
	if strings.HasPrefix(s, "-") {
		return 0, invalid("the value cannot be negative")
	}
	whole, frac, hasPoint := strings.Cut(s, ".")
	if whole == "" || (hasPoint && frac == "") {
		return bad()
	}
	if strings.Contains(whole, ",") {
		groups := strings.Split(whole, ",")
		if len(groups[0]) == 0 || len(groups[0]) > 3 {
			return bad()
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return bad()
			}
		}
		whole = strings.Join(groups, "")
	}
	if !allDigits(whole) || !allDigits(frac) {
		return bad()
	}
	if len(frac) > digits {
		if digits == 0 {
			return 0, invalid("%s has no minor unit: write a whole amount, not %q", cur, s)
		}
		return 0, invalid("%s has %d digits after the point, not %d as in %q", cur, digits, len(frac), s)
	}
	whole = strings.TrimLeft(whole, "0")
	if len(whole) > 15 {
		return 0, invalid("the value is too large: at most %s", Money{MaxMoneyMinor, cur}.String())
	}
	var w int64
	if whole != "" {
		var err error
		if w, err = strconv.ParseInt(whole, 10, 64); err != nil {
			return bad()
		}
	}
	frac += strings.Repeat("0", digits-len(frac))
	var f int64
	if frac != "" {
		var err error
		if f, err = strconv.ParseInt(frac, 10, 64); err != nil {
			return bad()
		}
	}
	unit := int64(1)
	for range digits {
		unit *= 10
	}
	return w*unit + f, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
