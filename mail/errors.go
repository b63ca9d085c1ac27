package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/emersion/go-smtp"
)

// ErrorClass tells the outbox what to do with a failed send: retry later
// (Unreachable, Temporary), ask the user to fix settings (TLS, Auth), or
// give up on this message (Permanent).
type ErrorClass int

// The classes of send failure. ClassNone is the class of nil and of errors
// that are not a *SendError.
const (
	ClassNone        ErrorClass = iota
	ClassUnreachable            // DNS, refused, timeout, closed before the greeting
	ClassTLS                    // no STARTTLS, handshake or certificate failure
	ClassAuth                   // login refused or impossible
	ClassTemporary              // 4xx reply, connection lost mid-transaction
	ClassPermanent              // 5xx reply other than auth; message or settings unusable
)

// String names the class for logs.
func (c ErrorClass) String() string {
	switch c {
	case ClassUnreachable:
		return "unreachable"
	case ClassTLS:
		return "tls"
	case ClassAuth:
		return "auth"
	case ClassTemporary:
		return "temporary"
	case ClassPermanent:
		return "permanent"
	}
	return "none"
}

// SendError is a failed send. Its message is a sentence a salesperson can
// act on; the underlying error (often a *smtp.SMTPError) stays reachable
// through Unwrap for logs.
type SendError struct {
	Class    ErrorClass
	Code     int    // SMTP reply code, 0 when the server gave none
	Enhanced string // enhanced status code such as "5.1.1", "" when none
	Msg      string // the sentence shown to the user
	Err      error
	// Uncertain is set when the connection was lost after the whole message
	// was handed over but before the server confirmed it: it may have been
	// delivered, so a blind retry could send it twice.
	Uncertain bool
}

// Error returns Msg, the sentence for the user.
func (e *SendError) Error() string {
	switch {
	case e.Msg != "":
		return e.Msg
	case e.Err != nil:
		return e.Err.Error()
	}
	return "sending failed"
}

// Unwrap gives errors.Is and errors.As the underlying error.
func (e *SendError) Unwrap() error { return e.Err }

// ClassOf returns the class of the first *SendError in err's chain, or
// ClassNone.
func ClassOf(err error) ErrorClass {
	var se *SendError
	if errors.As(err, &se) {
		return se.Class
	}
	return ClassNone
}

// IsTemporary reports whether retrying later may succeed without anyone
// changing anything.
func IsTemporary(err error) bool {
	c := ClassOf(err)
	return c == ClassUnreachable || c == ClassTemporary
}

// stage is where in the SMTP dialogue a failure happened; the same reply
// code means different things at different stages.
type stage int

const (
	stageConnect stage = iota // dial, greeting, first EHLO
	stageTLS                  // STARTTLS, handshake, EHLO under TLS
	stageAuth
	stageMail
	stageRcpt
	stageData    // DATA command and writing the message
	stageDataEnd // final dot sent, waiting for the verdict
)

// failure carries what classify needs to write its sentence.
type failure struct {
	stage   stage
	addr    string // host:port
	host    string
	user    string
	from    string
	rcpt    string
	timeout time.Duration
	implTLS bool // implicit TLS: a plaintext reply hints at the wrong port
}

// classify turns err at f.stage into a *SendError. ctxErr, when set, is why
// the connection was closed under the operation.
func classify(f failure, err, ctxErr error) *SendError {
	var se *SendError
	if errors.As(err, &se) {
		return se
	}
	e := &SendError{Err: err}
	if ctxErr != nil {
		e.Err = ctxErr
		e.Class = ClassTemporary
		if f.stage == stageConnect {
			e.Class = ClassUnreachable
		}
		e.Uncertain = f.stage == stageDataEnd
		if errors.Is(ctxErr, context.DeadlineExceeded) {
			e.Msg = fmt.Sprintf("mail server %s did not finish in time", f.addr)
		} else {
			e.Msg = fmt.Sprintf("sending through mail server %s was cancelled", f.addr)
		}
		return e
	}
	var reply *smtp.SMTPError
	if errors.As(err, &reply) {
		return classifyReply(f, e, reply)
	}
	switch {
	case f.stage == stageConnect:
		e.Class = ClassUnreachable
		e.Msg = fmt.Sprintf("mail server %s is unreachable: %s", f.addr, netCause(err, f.timeout))
	case f.stage == stageTLS:
		e.Class = ClassTLS
		e.Msg = fmt.Sprintf("TLS handshake with %s failed: %s", f.host, tlsCause(err, f.implTLS))
	case f.stage == stageAuth && !isNetErr(err):
		e.Class = ClassAuth
		e.Msg = fmt.Sprintf("login to mail server %s as %s failed: %v", f.addr, f.user, err)
	default:
		e.Class = ClassTemporary
		if f.stage == stageDataEnd {
			e.Uncertain = true
			e.Msg = fmt.Sprintf("the connection to mail server %s was lost before it confirmed the message (%s); it may have been delivered",
				f.addr, netCause(err, f.timeout))
		} else {
			e.Msg = fmt.Sprintf("the connection to mail server %s was lost: %s", f.addr, netCause(err, f.timeout))
		}
	}
	return e
}

func classifyReply(f failure, e *SendError, r *smtp.SMTPError) *SendError {
	e.Code = r.Code
	if r.EnhancedCode != smtp.NoEnhancedCode && r.EnhancedCode != smtp.EnhancedCodeNotSet {
		e.Enhanced = fmt.Sprintf("%d.%d.%d", r.EnhancedCode[0], r.EnhancedCode[1], r.EnhancedCode[2])
	}
	reply := strings.Join(strings.Fields(strings.TrimSpace(fmt.Sprintf("%d %s %s", r.Code, e.Enhanced, r.Message))), " ")
	temp := r.Code >= 400 && r.Code < 500
	e.Class = ClassPermanent
	if temp {
		e.Class = ClassTemporary
	}
	switch {
	case r.Code == 421:
		e.Msg = fmt.Sprintf("mail server %s closed the connection (%s); try again later", f.addr, reply)
	case f.stage == stageConnect && temp:
		e.Msg = fmt.Sprintf("mail server %s is not accepting connections right now (%s)", f.addr, reply)
	case f.stage == stageConnect:
		e.Msg = fmt.Sprintf("mail server %s refused the session (%s)", f.addr, reply)
	case f.stage == stageTLS:
		e.Class = ClassTLS
		e.Msg = fmt.Sprintf("mail server %s refused to start TLS (%s)", f.addr, reply)
	case f.stage == stageAuth && temp:
		e.Msg = fmt.Sprintf("mail server could not check the login for %s right now (%s); try again later", f.user, reply)
	case f.stage == stageAuth:
		e.Class = ClassAuth
		e.Msg = fmt.Sprintf("mail server refused the login for %s (%s): check smtp.username and the password", f.user, reply)
	case f.stage == stageMail && (r.Code == 530 || e.Enhanced == "5.7.0" && f.user == ""):
		e.Class = ClassAuth
		e.Msg = fmt.Sprintf("mail server %s requires a login (%s): set smtp.username and the password", f.addr, reply)
	case f.stage == stageMail && temp:
		e.Msg = fmt.Sprintf("mail server temporarily refused sender %s (%s)", f.from, reply)
	case f.stage == stageMail:
		e.Msg = fmt.Sprintf("mail server refused sender %s (%s): this account may not send as that address", f.from, reply)
	case f.stage == stageRcpt && temp:
		e.Msg = fmt.Sprintf("mail server temporarily refused recipient %s (%s)", f.rcpt, reply)
	case f.stage == stageRcpt:
		e.Msg = fmt.Sprintf("mail server rejected recipient %s (%s)", f.rcpt, reply)
	case temp:
		e.Msg = fmt.Sprintf("mail server temporarily refused the message (%s)", reply)
	case r.Code == 552:
		e.Msg = fmt.Sprintf("mail server rejected the message as too large (%s)", reply)
	default:
		e.Msg = fmt.Sprintf("mail server rejected the message (%s)", reply)
	}
	return e
}

// isNetErr reports whether err comes from the connection rather than from
// the protocol.
func isNetErr(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, net.ErrClosed) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

// netCause words a network error briefly: "connection refused", not
// "dial tcp 10.0.0.1:587: connect: connection refused".
func netCause(err error, timeout time.Duration) string {
	var dns *net.DNSError
	var ne net.Error
	var op *net.OpError
	switch {
	case errors.As(err, &dns):
		if dns.IsNotFound {
			return "no such host"
		}
		return dns.Err
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return "connection reset"
	case errors.As(err, &ne) && ne.Timeout() && timeout > 0:
		return fmt.Sprintf("no answer within %s", timeout)
	case errors.As(err, &ne) && ne.Timeout():
		return "no answer in time"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, net.ErrClosed):
		return "the server closed the connection"
	case errors.As(err, &op) && op.Err != nil:
		var sys *os.SyscallError
		if errors.As(op.Err, &sys) {
			return sys.Err.Error()
		}
		return op.Err.Error()
	}
	return err.Error()
}

// tlsCause words a handshake failure: the x509 reason without prefixes, or
// a hint when the server answered in plaintext.
func tlsCause(err error, implicit bool) string {
	var rh tls.RecordHeaderError
	if errors.As(err, &rh) {
		if implicit {
			return "the server did not answer in TLS (this port may expect STARTTLS: set smtp.security to starttls)"
		}
		return "the server did not answer in TLS"
	}
	var cv *tls.CertificateVerificationError
	if errors.As(err, &cv) {
		err = cv.Err
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "timed out"
	}
	if errors.Is(err, io.EOF) {
		return "the server closed the connection"
	}
	msg := err.Error()
	for _, p := range []string{"tls: ", "x509: "} {
		msg = strings.TrimPrefix(msg, p)
	}
	return msg
}
