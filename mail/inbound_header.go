package mail

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"mime"
	netmail "net/mail"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/emersion/go-message"
	gocharset "github.com/emersion/go-message/charset" // decode mail in any charset, not only UTF-8
	"github.com/emersion/go-message/textproto"
	"golang.org/x/text/encoding/charmap"
)

// maxHeaderBytes bounds a header block. go-message's default is 1 MB; a
// References field of 10,000 long IDs needs more, and more than this is
// not mail but an attack.
const maxHeaderBytes = 4 << 20

// maxBadHeaderLines is how many lines that are not header fields a header
// block may hold before the rest is taken for the body (a message whose
// blank line is missing).
const maxBadHeaderLines = 8

// maxNotes bounds Notes: a broken message says what is wrong, not every
// instance of it.
const maxNotes = 20

// notes collects what could not be read, each sentence once.
type notes struct{ list []string }

// add records a sentence; data in it is quoted by the caller with %q.
func (n *notes) add(format string, args ...any) {
	s := SanitizeHeader(fmt.Sprintf(format, args...))
	for _, have := range n.list {
		if have == s {
			return
		}
	}
	if len(n.list) < maxNotes {
		n.list = append(n.list, s)
	}
}

// sourceReader bounds reads from the caller's reader and remembers its
// failure, to tell a reader that failed from input that is odd.
type sourceReader struct {
	r   io.Reader
	n   int64 // bytes still allowed
	err error // the first error other than io.EOF the source returned
}

var errHeaderTooBig = errors.New("header block too big")

func (s *sourceReader) Read(p []byte) (int, error) {
	if s.n <= 0 {
		return 0, errHeaderTooBig
	}
	if int64(len(p)) > s.n {
		p = p[:s.n]
	}
	n, err := s.r.Read(p)
	s.n -= int64(n)
	if err != nil && err != io.EOF && s.err == nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			err = io.EOF // the end of a prefix
		} else {
			s.err = err
		}
	}
	return n, err
}

// inboundReader is a pooled bufio.Reader over a sourceReader.
type inboundReader struct {
	src sourceReader
	br  *bufio.Reader
}

var readerPool = sync.Pool{New: func() any {
	rd := &inboundReader{}
	rd.br = bufio.NewReaderSize(&rd.src, 4096)
	return rd
}}

func getReader(r io.Reader) *inboundReader {
	rd := readerPool.Get().(*inboundReader)
	rd.src = sourceReader{r: r, n: maxHeaderBytes}
	rd.br.Reset(&rd.src)
	return rd
}

func putReader(rd *inboundReader) {
	rd.src = sourceReader{}
	rd.br.Reset(&rd.src)
	readerPool.Put(rd)
}

// readHeaderBlock reads the top header block and lifts the size bound for
// the body. cut reports a header block that was not read to its end; err
// is the source's own failure.
func readHeaderBlock(rd *inboundReader, nt *notes) (h message.Header, cut bool, err error) {
	th, cut := readHeader(rd.br, nt)
	rd.src.n = 1<<63 - 1
	if rd.src.err != nil {
		return message.Header{Header: th}, true, fmt.Errorf("read message: %w", rd.src.err)
	}
	return message.Header{Header: th}, cut, nil
}

// readHeader reads a header block with go-message's reader, going on past
// lines that are not header fields (go-message stops at the first one).
// cut reports a block that ended early (size bound or source failure).
func readHeader(br *bufio.Reader, nt *notes) (textproto.Header, bool) {
	h, err := textproto.ReadHeader(br)
	if err == nil || errors.Is(err, io.EOF) {
		return h, false
	}
	var raws [][]byte
	collect := func(h textproto.Header) {
		fs := h.Fields()
		for fs.Next() {
			if raw, err := fs.Raw(); err == nil {
				raws = append(raws, raw)
			}
		}
	}
	collect(h)
	cut := false
	for bad := 1; ; bad++ {
		if errors.Is(err, errHeaderTooBig) {
			nt.add("The header is over %d MB: the rest of it was not read.", maxHeaderBytes>>20)
			cut = true
			break
		}
		if !strings.HasPrefix(err.Error(), "message: malformed") {
			cut = true // the source failed; the caller reports it
			break
		}
		if bad > maxBadHeaderLines {
			nt.add("The header has lines that are not header fields: the rest was read as the body.")
			break
		}
		nt.add("A header line that is not a header field was skipped.")
		var more textproto.Header
		more, err = textproto.ReadHeader(br)
		collect(more)
		if err == nil || errors.Is(err, io.EOF) {
			break
		}
	}
	// AddRaw appends; go-message keeps fields last first, so add them in
	// reverse to keep Get returning the first field of the file.
	var out textproto.Header
	for i := len(raws) - 1; i >= 0; i-- {
		out.AddRaw(raws[i])
	}
	return out, cut
}

// fromHeader reads the fields every Inbound has.
func fromHeader(h message.Header, nt *notes) Inbound {
	in := Inbound{Kind: InboundOrdinary}
	d := decoder{nt: nt}
	if ids := msgIDs(d.value(h, "Message-Id"), nt, "Message-ID"); len(ids) > 0 {
		in.MessageID = ids[0]
	}
	in.InReplyTo = msgIDs(d.value(h, "In-Reply-To"), nt, "In-Reply-To")
	in.References = trimReferences(msgIDs(d.value(h, "References"), nt, "References"), nt)
	in.From = d.addressList(h, "From")
	in.To = d.addressList(h, "To")
	in.Cc = d.addressList(h, "Cc")
	in.Bcc = d.addressList(h, "Bcc")
	in.Subject = d.text(h, "Subject")
	if v := d.value(h, "Date"); v != "" {
		t, ok := parseDate(v)
		if !ok {
			nt.add("The Date %q could not be read.", clip(v, 80))
		}
		in.Date = t
	}
	return in
}

// decoder decodes header values: 8-bit bytes, RFC 2047 words and
// charsets, noting what it could not decode.
type decoder struct{ nt *notes }

// value returns the field key (all its occurrences for address fields,
// joined), unfolded and as valid UTF-8.
func (d decoder) value(h message.Header, key string) string {
	v := h.Get(key)
	if v == "" {
		return ""
	}
	return d.utf8(v, key)
}

// utf8 reads raw 8-bit header bytes: UTF-8 as is, anything else as
// Windows-1252 (Latin-1 with the printable C1 range), noted.
func (d decoder) utf8(v, what string) string {
	if utf8.ValidString(v) {
		return v
	}
	d.nt.add("%s has 8-bit bytes that are not UTF-8: read as Latin-1.", what)
	return latin1(v)
}

// latin1 decodes s as Windows-1252; it cannot fail.
func latin1(s string) string {
	out, err := charmap.Windows1252.NewDecoder().String(s)
	if err != nil {
		return strings.ToValidUTF8(s, "\uFFFD")
	}
	return out
}

// words returns a mime.WordDecoder whose unknown charsets keep their bytes
// (as UTF-8, else Latin-1) and leave a note.
func (d decoder) words() *mime.WordDecoder {
	return &mime.WordDecoder{CharsetReader: func(cs string, r io.Reader) (io.Reader, error) {
		if dec, err := gocharset.Reader(cs, r); err == nil {
			return dec, nil
		}
		d.nt.add("Unknown charset %q: its text is shown as is.", clip(cs, 40))
		b, err := io.ReadAll(io.LimitReader(r, maxHeaderBytes))
		if err != nil {
			return nil, err
		}
		return strings.NewReader(d.utf8(string(b), "Text in an unknown charset")), nil
	}}
}

// text decodes an unstructured field (Subject).
func (d decoder) text(h message.Header, key string) string {
	v := d.value(h, key)
	if strings.Contains(v, "=?") {
		if dec, err := d.words().DecodeHeader(v); err == nil {
			v = dec
		} else {
			d.nt.add("%s could not be decoded: shown as is.", key)
		}
	}
	return clean(v)
}

// addressList reads an address field. A list that does not parse as a
// whole is read item by item, and an item that does not parse gives the
// address it holds, if any; what is left is named in a note.
func (d decoder) addressList(h message.Header, key string) []Address {
	vals := h.Values(key)
	if len(vals) == 0 {
		return nil
	}
	v := d.utf8(strings.Join(vals, ", "), key)
	if strings.TrimSpace(v) == "" {
		return nil
	}
	words := d.words()
	if list, ok := fastAddressList(v, words); ok {
		for i := range list {
			list[i].Name = clean(list[i].Name)
		}
		return list
	}
	p := netmail.AddressParser{WordDecoder: words}
	if list, err := p.ParseList(v); err == nil {
		out := make([]Address, 0, len(list))
		for _, a := range list {
			if e := cleanEmail(a.Address); e != "" {
				out = append(out, Address{Name: clean(a.Name), Email: e})
			}
		}
		return out
	}
	var out []Address
	for _, item := range splitAddresses(v) {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if a, err := p.Parse(item); err == nil {
			if e := cleanEmail(a.Address); e != "" {
				out = append(out, Address{Name: clean(a.Name), Email: e})
				continue
			}
		}
		if a, ok := d.looseAddress(item); ok {
			out = append(out, a)
			d.nt.add("%s: %q is not a well-formed address: read as %s.", key, clip(item, 80), a.Email)
			continue
		}
		d.nt.add("%s: %q is not an address: skipped.", key, clip(item, 80))
	}
	return out
}

// fastAddressList reads the lists nearly every message has, items like
// `Jane Doe <jane@x>`, `"Doe, Jane" <jane@x>`, `=?utf-8?q?J=C3=BCrgen?=
// <jm@x>` or `jane@x`, without net/mail's allocations. Anything else
// (comments, groups, escapes, dots or non-ASCII in a name, a quoted local
// part) is left to net/mail (ok false). FuzzFastAddressList checks that
// both read every list the fast path accepts alike.
func fastAddressList(v string, dec *mime.WordDecoder) ([]Address, bool) {
	if strings.ContainsAny(v, "();:[]\\") {
		return nil, false
	}
	var out []Address
	for v != "" {
		end, quoted := 0, false
		for end < len(v) && (quoted || v[end] != ',') {
			if v[end] == '"' {
				quoted = !quoted
			}
			end++
		}
		if quoted {
			return nil, false
		}
		a, ok := fastAddress(strings.Trim(v[:end], " \t"), dec) // net/mail's white space
		if !ok {
			return nil, false
		}
		out = append(out, a)
		if end == len(v) {
			break
		}
		v = v[end+1:]
		if strings.Trim(v, " \t") == "" {
			return nil, false // a trailing comma: net/mail's call
		}
	}
	return out, len(out) > 0
}

// fastAddress reads one item for fastAddressList.
func fastAddress(item string, dec *mime.WordDecoder) (Address, bool) {
	var a Address
	if item == "" {
		return a, false
	}
	if item[len(item)-1] == '>' {
		lt := strings.LastIndexByte(item, '<')
		if lt < 0 || strings.Count(item, "<") != 1 || strings.Count(item, ">") != 1 {
			return a, false
		}
		name, ok := fastPhrase(item[:lt], dec)
		if !ok {
			return a, false
		}
		a.Name, item = name, item[lt+1:len(item)-1]
	}
	at := strings.IndexByte(item, '@')
	if at <= 0 || at == len(item)-1 || strings.Count(item, "@") != 1 {
		return a, false
	}
	for i := 0; i < len(item); i++ {
		if c := item[i]; !isAtext(c) && c != '.' && c != '@' {
			return a, false
		}
	}
	if item[0] == '.' || item[at-1] == '.' || item[at+1] == '.' || item[len(item)-1] == '.' || strings.Contains(item, "..") {
		return a, false
	}
	a.Email = strings.ToLower(item)
	return a, true
}

// fastPhrase reads a display name of atoms, quoted strings and encoded
// words as net/mail does: words joined by a space, adjacent encoded words
// joined without one.
func fastPhrase(p string, dec *mime.WordDecoder) (string, bool) {
	var (
		out         strings.Builder
		prevEncoded bool
		n           int // words so far: an empty quoted string is one
	)
	for {
		p = strings.TrimLeft(p, " \t")
		if p == "" {
			return out.String(), true
		}
		var word string
		encoded := false
		if p[0] == '"' {
			end := strings.IndexByte(p[1:], '"')
			if end < 0 {
				return "", false
			}
			word, p = p[1:1+end], p[2+end:]
			for i := 0; i < len(word); i++ {
				if c := word[i]; (c < 0x21 || c > 0x7e) && c != ' ' && c != '\t' {
					return "", false
				}
			}
		} else {
			end := strings.IndexAny(p, " \t\"")
			if end < 0 {
				end = len(p)
			}
			word, p = p[:end], p[end:]
			for i := 0; i < len(word); i++ {
				if !isAtext(word[i]) {
					return "", false
				}
			}
			if strings.HasPrefix(word, "=?") {
				d, err := dec.Decode(word)
				if err != nil || d == "" {
					return "", false // net/mail's call
				}
				word, encoded = d, true
			}
		}
		if n > 0 && (!encoded || !prevEncoded) {
			out.WriteByte(' ')
		}
		out.WriteString(word)
		prevEncoded = encoded
		n++
	}
}

// isAtext reports whether c is an RFC 5322 atext character.
func isAtext(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0
}

// looseAddress finds the address in an item net/mail refuses: the text
// in angle brackets, else a word with an @; the rest is the name.
func (d decoder) looseAddress(item string) (Address, bool) {
	if i := strings.LastIndexByte(item, '<'); i >= 0 {
		if j := strings.IndexByte(item[i:], '>'); j > 0 {
			if e := cleanEmail(item[i+1 : i+j]); e != "" {
				name := strings.Trim(strings.TrimSpace(item[:i]), `"' `)
				if strings.Contains(name, "=?") {
					name = d.decodeWords(name)
				}
				return Address{Name: clean(name), Email: e}, true
			}
		}
	}
	for _, w := range strings.Fields(item) {
		if e := cleanEmail(strings.Trim(w, `"'<>()[],;:`)); e != "" {
			return Address{Email: e}, true
		}
	}
	return Address{}, false
}

// cleanEmail lowercases an address and refuses one that is not
// name@domain or holds white space or control characters.
func cleanEmail(e string) string {
	e = strings.ToLower(strings.TrimSpace(e))
	at := strings.LastIndexByte(e, '@')
	if at <= 0 || at == len(e)-1 || len(e) > 320 {
		return ""
	}
	for _, r := range e {
		if r <= ' ' || r == 0x7f || r == utf8.RuneError || r == '<' || r == '>' {
			return ""
		}
	}
	return e
}

// clean makes decoded mail text safe to store: valid UTF-8, no NUL.
// Other control characters stay: the display layer escapes them.
func clean(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if strings.IndexByte(s, 0) >= 0 {
		s = strings.ReplaceAll(s, "\x00", "")
	}
	return s
}

// clip shortens mail data quoted in a note.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// maxMsgIDLen bounds one message identifier; longer ones are not IDs.
const maxMsgIDLen = 900

// msgIDs reads message identifiers leniently: each <...> in the value,
// or, when there are none, each word (some programs drop the brackets).
// Comments and white space inside brackets are removed.
func msgIDs(v string, nt *notes, field string) []string {
	if v == "" {
		return nil
	}
	var out []string
	rest := v
	bracketed := false
	for {
		i := strings.IndexByte(rest, '<')
		if i < 0 {
			break
		}
		j := strings.IndexByte(rest[i+1:], '>')
		if j < 0 {
			break
		}
		bracketed = true
		if id := cleanMsgID(rest[i+1 : i+1+j]); id != "" {
			out = append(out, id)
		}
		rest = rest[i+2+j:]
	}
	if bracketed {
		return out
	}
	for _, w := range strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == '\t' || r == ',' }) {
		if id := cleanMsgID(w); id != "" && strings.Contains(id, "@") {
			out = append(out, id)
		}
	}
	if len(out) > 0 {
		nt.add("%s has no angle brackets: read as is.", field)
	} else {
		nt.add("%s %q holds no message identifier.", field, clip(v, 80))
	}
	return out
}

// cleanMsgID drops white space and control characters from an identifier
// and refuses an empty or oversized one.
func cleanMsgID(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > maxMsgIDLen {
		return ""
	}
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c == 0x7f {
			clean = false
			break
		}
	}
	if clean && utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for _, r := range strings.ToValidUTF8(s, "") {
		if r > ' ' && r != 0x7f {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// trimReferences keeps the first reference (the thread's root) and the
// last MaxReferences-1 (the nearest parents), copied so that the long
// header value is not kept alive.
func trimReferences(ids []string, nt *notes) []string {
	if len(ids) <= MaxReferences {
		return ids
	}
	nt.add("References names %d messages: the first and the last %d were kept.", len(ids), MaxReferences-1)
	out := make([]string, 0, MaxReferences)
	out = append(out, strings.Clone(ids[0]))
	for _, id := range ids[len(ids)-(MaxReferences-1):] {
		out = append(out, strings.Clone(id))
	}
	return out
}
