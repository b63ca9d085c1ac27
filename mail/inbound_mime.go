package mail

import (
	"errors"
	"io"
	"mime"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-message"
	gocharset "github.com/emersion/go-message/charset"
	"github.com/emersion/go-message/textproto"
	"github.com/k3a/html2text"
)

// maxParts and maxDepth bound the MIME walk: a message with more parts or
// deeper nesting is read that far (real mail has a handful of each).
const (
	maxParts = 500
	maxDepth = 20
)

// walker reads a message's MIME tree once, streaming: text parts are read
// up to a bound, everything else is counted and dropped.
type walker struct {
	nt    *notes
	limit int // Text cap in bytes

	text, html         string
	haveText, haveHTML bool
	textCut, htmlCut   bool // more was there than was read
	flowed, delSp      bool // the text is format=flowed (RFC 3676)

	atts []InboundAttachment

	dsn        *dsnReport // the message/delivery-status part, once read
	returnedID string     // Message-ID of the returned message (bounces)

	parts  int
	stop   bool  // the part bound was reached
	cut    bool  // the input ended inside the MIME structure
	srcErr error // the caller's reader failed
	src    *sourceReader
}

// walk reads one entity: a multipart's parts in turn, or a leaf.
func (w *walker) walk(h message.Header, body io.Reader, depth int) {
	if w.stop {
		return
	}
	w.parts++
	if w.parts > maxParts {
		w.nt.add("The message has over %d MIME parts: the rest were not read.", maxParts)
		w.stop = true
		return
	}
	t, params := w.contentType(h)
	if strings.HasPrefix(t, "multipart/") {
		switch b := params["boundary"]; {
		case depth >= maxDepth:
			w.nt.add("MIME parts nested over %d deep were not read.", maxDepth)
			return
		case b == "":
			w.nt.add("A multipart part has no boundary: read as text.")
			t, params = "text/plain", nil
		default:
			w.multipart(body, b, depth)
			return
		}
	}
	w.leaf(h, t, params, body)
}

// multipart reads the parts between boundaries. The input ending before
// the closing boundary makes the message cut; another break in the
// structure stops the walk at that point with a note.
func (w *walker) multipart(body io.Reader, boundary string, depth int) {
	mr := textproto.NewMultipartReader(body, boundary)
	for n := 0; ; n++ {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			if n == 0 {
				w.nt.add("A multipart part holds no part.")
			}
			return
		}
		if err != nil {
			if w.inputEnded(err) {
				return
			}
			if n == 0 {
				w.nt.add("A multipart part's boundary never appears: its content was not read.")
			} else {
				w.nt.add("The MIME structure is broken after part %d: the rest was skipped.", n)
			}
			return
		}
		w.walk(message.Header{Header: p.Header}, p, depth+1)
		if w.stop || w.cut {
			return
		}
	}
}

// inputEnded reports whether err says the input stopped (a prefix, a
// missing closing boundary, or the caller's reader failing), and records it.
func (w *walker) inputEnded(err error) bool {
	if w.src != nil && w.src.err != nil {
		w.srcErr = w.src.err
		w.cut = true
		return true
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || strings.Contains(err.Error(), "EOF") {
		if !w.cut {
			w.nt.add("The message ends before its MIME structure does (cut off, or its closing boundary is missing): read as far as it goes.")
		}
		w.cut = true
		return true
	}
	return false
}

// contentType reads Content-Type leniently: a value with broken
// parameters keeps its type and the parameters that can be read.
func (w *walker) contentType(h message.Header) (string, map[string]string) {
	v := h.Get("Content-Type")
	if strings.TrimSpace(v) == "" {
		return "text/plain", nil
	}
	t, params, err := mime.ParseMediaType(v)
	if err != nil {
		t, params = looseMediaType(v)
		if !strings.Contains(t, "/") {
			w.nt.add("The Content-Type %q could not be read: the part is read as text.", clip(v, 80))
			return "text/plain", params
		}
	}
	for k, pv := range params {
		if strings.Contains(pv, "=?") {
			params[k] = decoder{nt: w.nt}.decodeWords(pv)
		}
	}
	return strings.ToLower(t), params
}

// looseMediaType splits "type; k=v; k2="v 2"" by hand, for values
// mime.ParseMediaType refuses (duplicate or malformed parameters).
func looseMediaType(v string) (string, map[string]string) {
	parts := strings.Split(v, ";")
	t := strings.ToLower(strings.TrimSpace(parts[0]))
	params := make(map[string]string)
	for _, p := range parts[1:] {
		k, val, ok := strings.Cut(p, "=")
		if !ok {
			continue
		}
		k = strings.ToLower(strings.TrimSpace(k))
		val = strings.Trim(strings.TrimSpace(val), `"`)
		if _, dup := params[k]; !dup && k != "" {
			params[k] = val
		}
	}
	return t, params
}

// decodeWords decodes RFC 2047 words in a parameter value (a file name).
func (d decoder) decodeWords(v string) string {
	if dec, err := d.words().DecodeHeader(d.utf8(v, "A MIME parameter")); err == nil {
		return clean(dec)
	}
	return clean(v)
}

// countReader counts the bytes read through it.
type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// leaf reads a part that is not multipart.
func (w *walker) leaf(h message.Header, t string, params map[string]string, raw io.Reader) {
	rawCount := &countReader{r: raw}
	var eh message.Header
	if enc := strings.TrimSpace(h.Get("Content-Transfer-Encoding")); enc != "" {
		eh.Set("Content-Transfer-Encoding", enc)
	}
	e, err := message.New(eh, rawCount)
	if err != nil {
		w.nt.add("A part uses the unknown transfer encoding %q: read as is.", clip(eh.Get("Content-Transfer-Encoding"), 40))
	}
	body := e.Body
	disp, dparams := w.disposition(h)
	name := dparams["filename"]
	if name == "" {
		name = params["name"]
	}
	attached := disp == "attachment"

	switch {
	case t == "message/delivery-status" || t == "message/global-delivery-status":
		w.readDSN(body)
		return
	case t == "text/rfc822-headers" || t == "message/global-headers":
		w.readReturned(body)
		return
	case t == "message/rfc822" || t == "message/global":
		dec := &countReader{r: body}
		w.readReturned(dec)
		w.attachment(name, t, dec, rawCount)
		return
	case t == "text/plain" && !attached && !w.haveText:
		w.text, w.textCut = w.readText(body, params, 2*w.limit+4)
		w.haveText = true
		w.flowed = strings.EqualFold(params["format"], "flowed")
		w.delSp = strings.EqualFold(params["delsp"], "yes")
		return
	case t == "text/html" && !attached && !w.haveHTML:
		w.html, w.htmlCut = w.readText(body, params, 4*w.limit+64<<10)
		w.haveHTML = true
		return
	case attached || name != "" || !strings.HasPrefix(t, "text/"):
		w.attachment(name, t, &countReader{r: body}, rawCount)
	}
}

// disposition reads Content-Disposition leniently, with decoded file names.
func (w *walker) disposition(h message.Header) (string, map[string]string) {
	v := h.Get("Content-Disposition")
	if strings.TrimSpace(v) == "" {
		return "", map[string]string{}
	}
	d, params, err := mime.ParseMediaType(v)
	if err != nil {
		d, params = looseMediaType(v)
	}
	if fn := params["filename"]; strings.Contains(fn, "=?") || !utf8.ValidString(fn) {
		params["filename"] = decoder{nt: w.nt}.decodeWords(fn)
	}
	return strings.ToLower(d), params
}

// attachment lists a part with its decoded size; a part whose encoding
// breaks gets its raw length instead.
func (w *walker) attachment(name, t string, dec, raw *countReader) {
	a := InboundAttachment{Name: clean(name), Type: t}
	_, err := io.Copy(io.Discard, dec)
	a.Size = dec.n
	if err != nil {
		if w.inputEnded(err) {
			w.nt.add("An attachment was cut off: its size is what was read.")
		} else {
			_, _ = io.Copy(io.Discard, raw)
			a.Size = raw.n
			w.nt.add("An attachment could not be decoded: its size is its encoded length.")
		}
	}
	w.atts = append(w.atts, a)
}

// readText reads a text part as UTF-8, at most max bytes of it; more
// reports that the part had more.
func (w *walker) readText(body io.Reader, params map[string]string, max int) (string, bool) {
	cs := strings.ToLower(strings.TrimSpace(params["charset"]))
	known := cs == "" || cs == "utf-8" || cs == "us-ascii" || cs == "utf8"
	if !known {
		if r, err := gocharset.Reader(cs, body); err == nil {
			body, known = r, true
		} else {
			w.nt.add("Unknown charset %q: its text is shown as is.", clip(cs, 40))
		}
	}
	b, err := io.ReadAll(io.LimitReader(body, int64(max)))
	more := false
	if err == nil && len(b) == max {
		var one [1]byte
		n, _ := io.ReadFull(body, one[:])
		more = n > 0
	}
	if err != nil && !w.inputEnded(err) {
		w.nt.add("A text part could not be fully decoded: shown up to the error.")
	}
	if more {
		// the bound may split a character
		for i := 0; i < utf8.UTFMax && len(b) > 0; i++ {
			if r, n := utf8.DecodeLastRune(b); r != utf8.RuneError || n > 1 {
				break
			}
			b = b[:len(b)-1]
		}
	}
	s := string(b)
	if !utf8.ValidString(s) {
		if known {
			w.nt.add("A text part is not valid in its charset: read as Latin-1.")
		}
		s = latin1(s)
	}
	return s, more
}

// finishText picks the text (the plain part, else the rendered HTML),
// normalises it and caps it.
func (w *walker) finishText() (string, bool) {
	var (
		s    string
		more bool
	)
	switch {
	case w.haveText && (strings.TrimSpace(w.text) != "" || !w.haveHTML):
		s, more = strings.ReplaceAll(w.text, "\r\n", "\n"), w.textCut
		if w.flowed {
			s = unflow(s, w.delSp)
		}
	case w.haveHTML:
		s, more = strings.ReplaceAll(renderHTML(w.html), "\r\n", "\n"), w.htmlCut
	}
	s = clean(strings.TrimRight(s, " \t\r\n"))
	if len(s) > w.limit {
		n := w.limit
		for n > 0 && !utf8.RuneStart(s[n]) {
			n--
		}
		s, more = s[:n], true
	}
	return s, more
}

// unflow joins the soft line breaks of format=flowed text (RFC 3676): a
// line that ends in a space goes on in the next line of the same quote
// depth; space-stuffing is removed; "-- " (the signature mark) stays.
func unflow(s string, delSp bool) string {
	var b strings.Builder
	b.Grow(len(s))
	open, openDepth := false, 0 // a flowed line waits for its continuation
	for line := range strings.SplitSeq(s, "\n") {
		depth := 0
		for depth < len(line) && line[depth] == '>' {
			depth++
		}
		quote, text := line[:depth], strings.TrimPrefix(line[depth:], " ")
		if open && depth != openDepth {
			b.WriteByte('\n') // a quote change ends the paragraph
			open = false
		}
		if !open {
			if quote != "" {
				b.WriteString(quote + " ")
			}
		}
		soft := strings.HasSuffix(text, " ") && text != "-- "
		if soft && delSp {
			text = text[:len(text)-1]
		}
		b.WriteString(text)
		if !soft {
			b.WriteByte('\n')
		}
		open, openDepth = soft, depth
	}
	return strings.TrimSuffix(b.String(), "\n")
}

var (
	htmlComment = regexp.MustCompile(`(?s)<!--.*?-->`)
	// htmlBlockEnd matches the tags after which a block ends; html2text
	// breaks lines only at <br>, <p>, headings and list items.
	htmlBlockEnd = regexp.MustCompile(`(?i)</(div|tr|table|blockquote|pre|address|section|article|header|footer|li)\s*>|<(hr|blockquote)[^>]*>`)
	htmlCellEnd  = regexp.MustCompile(`(?i)</t[dh]\s*>`)
	lineSpace    = regexp.MustCompile(`[ \t]*\n[ \t]*`)
	blankLines   = regexp.MustCompile(`\n{3,}`)
)

// renderHTML turns an HTML body into text with k3a/html2text, after
// marking the block ends and table cells it does not see; white space
// around line breaks (HTML's indentation) goes, blank lines are tidied.
func renderHTML(h string) string {
	h = htmlComment.ReplaceAllString(h, "")
	h = htmlBlockEnd.ReplaceAllString(h, "$0<br>")
	h = htmlCellEnd.ReplaceAllString(h, "$0 ")
	s := html2text.HTML2TextWithOptions(h, html2text.WithUnixLineBreaks(), html2text.WithListSupport(), html2text.WithLinksInnerText())
	s = strings.ReplaceAll(s, "\u00a0", " ")
	s = lineSpace.ReplaceAllString(s, "\n")
	s = blankLines.ReplaceAllString(s, "\n\n")
	return strings.TrimSpace(s)
}
