package imapconn

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"log"
	"math/big"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/emersion/go-imap"
	"github.com/emersion/go-imap/backend"
	"github.com/emersion/go-imap/backend/memory"
	"github.com/emersion/go-imap/server"

	"github.com/leadmail/leadmail/mail"
)

// testServer is go-imap's server over its memory backend (user
// "username", password "password") on a loopback port.
type testServer struct {
	addr string
	pool *x509.CertPool
}

type serverOpts struct {
	security mail.Security
	folders  map[string][]string // extra folders and the attributes LIST gives them
	// loginDisabled advertises LOGINDISABLED beside AUTH=PLAIN, as servers
	// that take SASL only do.
	loginDisabled bool
	// noPlaintextLogin refuses any login on a connection without TLS.
	noPlaintextLogin bool
}

func startServer(t *testing.T, o serverOpts) testServer {
	t.Helper()
	be := memory.New()
	u, err := be.Login(nil, "username", "password")
	if err != nil {
		t.Fatal(err)
	}
	for name := range o.folders {
		if err := u.CreateMailbox(name); err != nil {
			t.Fatal(err)
		}
	}
	s := server.New(attrBackend{Backend: be, attrs: o.folders})
	s.ErrorLog = log.New(io.Discard, "", 0)
	cert, pool := selfSigned(t)
	tcfg := &tls.Config{Certificates: []tls.Certificate{cert}}
	if o.loginDisabled {
		s.Enable(loginDisabled{})
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	switch o.security {
	case mail.SecurityTLS:
		l = tls.NewListener(l, tcfg)
	case mail.SecuritySTARTTLS:
		s.TLSConfig = tcfg
	default:
		s.AllowInsecureAuth = !o.noPlaintextLogin
	}
	go func() { _ = s.Serve(l) }()
	t.Cleanup(func() { _ = s.Close() })
	return testServer{addr: l.Addr().String(), pool: pool}
}

// config is a Config that reaches ts as username/password.
func (ts testServer) config(sec mail.Security) Config {
	host, port, _ := net.SplitHostPort(ts.addr)
	p, _ := strconv.Atoi(port)
	return Config{Host: host, Port: p, Security: sec, Username: "username", Password: "password",
		TLSConfig: &tls.Config{RootCAs: ts.pool}, DialTimeout: 5 * time.Second, CommandTimeout: 5 * time.Second}
}

// selfSigned makes a certificate for 127.0.0.1 and a pool trusting it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "imapconn test"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:              []string{"localhost"},
		IsCA:                  true,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

// attrBackend gives folders the LIST attributes of a server with
// SPECIAL-USE, which the memory backend lacks.
type attrBackend struct {
	backend.Backend
	attrs map[string][]string
}

func (b attrBackend) Login(ci *imap.ConnInfo, user, pass string) (backend.User, error) {
	u, err := b.Backend.Login(ci, user, pass)
	if err != nil {
		return nil, err
	}
	return attrUser{User: u, attrs: b.attrs}, nil
}

type attrUser struct {
	backend.User
	attrs map[string][]string
}

func (u attrUser) ListMailboxes(subscribed bool) ([]backend.Mailbox, error) {
	list, err := u.User.ListMailboxes(subscribed)
	for i, m := range list {
		list[i] = attrMailbox{Mailbox: m, attrs: u.attrs[m.Name()]}
	}
	return list, err
}

type attrMailbox struct {
	backend.Mailbox
	attrs []string
}

func (m attrMailbox) Info() (*imap.MailboxInfo, error) {
	info, err := m.Mailbox.Info()
	if err == nil {
		info.Attributes = append(info.Attributes, m.attrs...)
	}
	return info, err
}

// loginDisabled adds LOGINDISABLED to the capabilities before the login;
// AUTHENTICATE PLAIN still works.
type loginDisabled struct{}

func (loginDisabled) Capabilities(c server.Conn) []string {
	if c.Context().State == imap.NotAuthenticatedState {
		return []string{"LOGINDISABLED"}
	}
	return nil
}

func (loginDisabled) Command(string) server.HandlerFactory { return nil }
