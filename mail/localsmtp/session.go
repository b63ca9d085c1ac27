package localsmtp

import (
	"crypto/subtle"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

const (
	mechPlain = "PLAIN"
	mechLogin = "LOGIN"
)

// authRequired is what real submission servers answer to MAIL before AUTH.
// go-smtp does not enforce AUTH itself.
func authRequired() error {
	return &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}
}

// session is one SMTP session; go-smtp starts a new one after STARTTLS.
type session struct {
	s    *Server
	conn *smtp.Conn
	stop <-chan struct{} // closed when the run it belongs to ends
	user string
	from string
	to   []string
}

func (r *run) newSession(c *smtp.Conn) (smtp.Session, error) {
	return &session{s: r.s, conn: c, stop: r.stop}, nil
}

// AuthMechanisms offers nothing when the server needs no login, so clients
// configured without a username just send.
func (se *session) AuthMechanisms() []string {
	if se.s.cfg.Username == "" {
		return nil
	}
	return se.s.cfg.Mechanisms
}

func (se *session) Auth(mech string) (sasl.Server, error) {
	mech = strings.ToUpper(mech)
	if !slices.Contains(se.AuthMechanisms(), mech) {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	switch mech {
	case mechPlain:
		return sasl.NewPlainServer(func(identity, user, pass string) error {
			if identity != "" && identity != user {
				return smtp.ErrAuthFailed
			}
			return se.login(user, pass)
		}), nil
	case mechLogin:
		return &loginServer{check: se.login}, nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}

func (se *session) login(user, pass string) error {
	cfg := se.s.cfg
	if se.s.currentFailure().Auth {
		return smtp.ErrAuthFailed
	}
	userOK := subtle.ConstantTimeCompare([]byte(user), []byte(cfg.Username)) == 1
	passOK := subtle.ConstantTimeCompare([]byte(pass), []byte(cfg.Password)) == 1
	if !userOK || !passOK {
		return smtp.ErrAuthFailed
	}
	se.user = user
	return nil
}

func (se *session) Mail(from string, _ *smtp.MailOptions) error {
	if se.s.cfg.Username != "" && se.user == "" {
		return authRequired()
	}
	if code := se.s.currentFailure().MailCode; code != 0 {
		return reply(code)
	}
	se.from = from
	return nil
}

func (se *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if code := se.s.currentFailure().RcptCode; code != 0 {
		return reply(code)
	}
	se.to = append(se.to, to)
	return nil
}

func (se *session) Data(r io.Reader) error {
	f := se.s.currentFailure()
	if f.DropInData {
		_, _ = io.CopyN(io.Discard, r, 16)
		_ = se.conn.Conn().Close()
		return reply(451)
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		select {
		case <-t.C:
		case <-se.stop:
			t.Stop()
		}
	}
	if f.DataCode != 0 {
		return reply(f.DataCode)
	}
	return se.s.deliver(Received{From: se.from, To: slices.Clone(se.to), Data: data, User: se.user})
}

func (se *session) Reset() {
	se.from, se.to = "", nil
}

func (se *session) Logout() error { return nil }

// reply builds the error a real server would give for code, so client
// tests see realistic text and enhanced codes.
func reply(code int) *smtp.SMTPError {
	type canned struct {
		enh smtp.EnhancedCode
		msg string
	}
	c, ok := map[int]canned{
		421: {smtp.EnhancedCode{4, 4, 2}, "Service not available, closing connection"},
		450: {smtp.EnhancedCode{4, 2, 1}, "Mailbox temporarily unavailable"},
		451: {smtp.EnhancedCode{4, 3, 0}, "Local error in processing, try again later"},
		452: {smtp.EnhancedCode{4, 2, 2}, "Insufficient system storage"},
		550: {smtp.EnhancedCode{5, 1, 1}, "Mailbox unavailable: no such user"},
		552: {smtp.EnhancedCode{5, 3, 4}, "Message too big"},
		553: {smtp.EnhancedCode{5, 7, 1}, "Sender address not allowed"},
		554: {smtp.EnhancedCode{5, 7, 1}, "Transaction failed: message rejected"},
	}[code]
	if !ok {
		c = canned{smtp.EnhancedCode{code / 100, 0, 0}, "Failure requested by the test"}
	}
	return &smtp.SMTPError{Code: code, EnhancedCode: c.enh, Message: c.msg}
}

// loginServer is SASL LOGIN, which go-sasl only has as a client. It accepts
// the username as an initial response (go-sasl's client sends it so) or
// prompts for it.
type loginServer struct {
	check func(user, pass string) error
	user  string
	state int
}

func (l *loginServer) Next(resp []byte) (challenge []byte, done bool, err error) {
	switch l.state {
	case 0:
		if len(resp) == 0 {
			l.state = 1
			return []byte("Username:"), false, nil
		}
		l.user, l.state = string(resp), 2
		return []byte("Password:"), false, nil
	case 1:
		l.user, l.state = string(resp), 2
		return []byte("Password:"), false, nil
	case 2:
		l.state = 3
		return nil, true, l.check(l.user, string(resp))
	}
	return nil, true, sasl.ErrUnexpectedClientResponse
}
