package localsmtp

import (
	"errors"
	"net"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// sendOne sends a message over a fresh STARTTLS (or implicit TLS) connection.
func sendOne(s *Server, implicit bool, id string) error {
	var c *smtp.Client
	var err error
	if implicit {
		c, err = smtp.DialTLS(s.TLSAddr(), s.TLSConfig())
	} else {
		c, err = smtp.DialStartTLS(s.Addr(), s.TLSConfig())
	}
	if err != nil {
		return err
	}
	defer func() { _ = c.Close() }()
	if err := c.Auth(sasl.NewPlainClient("", user, pass)); err != nil {
		return err
	}
	if err := c.SendMail(user, []string{"jane@customer.example"}, strings.NewReader(message(id, "Hi"))); err != nil {
		return err
	}
	return c.Quit()
}

func TestStopAndStartOnTheSamePorts(t *testing.T) {
	s := start(t, Config{Username: user, Password: pass, ImplicitTLS: true})
	addr, tlsAddr := s.Addr(), s.TLSAddr()
	if !s.Running() {
		t.Fatal("Running() = false after Start")
	}
	if err := sendOne(s, false, "before@x"); err != nil {
		t.Fatalf("send before Stop: %v", err)
	}
	kept, err := smtp.DialStartTLS(addr, s.TLSConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = kept.Close() }()
	if err := kept.Noop(); err != nil {
		t.Fatal(err)
	}

	if err := s.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if s.Running() {
		t.Error("Running() = true after Stop")
	}
	if err := kept.Noop(); err == nil {
		t.Error("a connection open before Stop still works")
	}
	for _, a := range []string{addr, tlsAddr} {
		c, err := net.DialTimeout("tcp", a, time.Second)
		if err == nil {
			_ = c.Close()
			t.Fatalf("dial %s after Stop succeeded", a)
		}
		if !errors.Is(err, syscall.ECONNREFUSED) {
			t.Errorf("dial %s after Stop = %v, want connection refused", a, err)
		}
	}
	if err := s.Stop(); err != nil {
		t.Errorf("second Stop: %v", err)
	}

	if err := s.Start(); err != nil {
		t.Fatalf("Start: %v", err)
	}
	if !s.Running() || s.Addr() != addr || s.TLSAddr() != tlsAddr {
		t.Fatalf("after Start: Running %v, Addr %s (was %s), TLSAddr %s (was %s)",
			s.Running(), s.Addr(), addr, s.TLSAddr(), tlsAddr)
	}
	if err := s.Start(); err != nil {
		t.Errorf("Start on a running server: %v", err)
	}
	if err := sendOne(s, false, "after@x"); err != nil {
		t.Fatalf("STARTTLS send after Start: %v", err)
	}
	if err := sendOne(s, true, "after-tls@x"); err != nil {
		t.Fatalf("implicit TLS send after Start: %v", err)
	}
	if got := len(s.Messages()); got != 3 {
		t.Errorf("Messages() = %d, want 3 (kept across Stop)", got)
	}
}

func TestStartAfterCloseFails(t *testing.T) {
	s := start(t, Config{})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); !errors.Is(err, ErrClosed) {
		t.Errorf("Start after Close = %v, want ErrClosed", err)
	}
	if err := s.Stop(); err != nil {
		t.Errorf("Stop after Close = %v", err)
	}
	if s.Running() {
		t.Error("Running() = true after Close")
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close after Close = %v", err)
	}
}

func TestStartWaitsForABusyPort(t *testing.T) {
	s := start(t, Config{})
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	// Someone else holds the port for a moment, like a socket closing.
	blocker, err := net.Listen("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	released := make(chan struct{})
	time.AfterFunc(200*time.Millisecond, func() { _ = blocker.Close(); close(released) })
	if err := s.Start(); err != nil {
		t.Fatalf("Start: %v", err)
	}
	select {
	case <-released:
	default:
		t.Fatal("Start returned while the port was still taken")
	}
	c, err := smtp.DialStartTLS(s.Addr(), s.TLSConfig())
	if err != nil {
		t.Fatalf("dial after Start: %v", err)
	}
	_ = c.Close()
}

func TestStopDuringADelayedData(t *testing.T) {
	s := start(t, Config{})
	s.SetFailure(Failure{Delay: time.Minute})
	c, err := smtp.DialStartTLS(s.Addr(), s.TLSConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Close() }()
	c.SubmissionTimeout = 50 * time.Millisecond
	// The timeout means the whole message is in and the server is waiting.
	err = c.SendMail(user, []string{"bob@customer.example"}, strings.NewReader(message("x@y", "Hi")))
	if err == nil || !strings.Contains(err.Error(), "timeout") {
		t.Fatalf("SendMail with Delay = %v, want a timeout", err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Stop() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Stop: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Stop blocked on a delayed DATA")
	}
	if err := s.Start(); err != nil {
		t.Fatalf("Start: %v", err)
	}
	c2, err := smtp.DialStartTLS(s.Addr(), s.TLSConfig())
	if err != nil {
		t.Fatalf("dial after Start: %v", err)
	}
	defer func() { _ = c2.Close() }()
	if err := c2.Noop(); err != nil {
		t.Fatalf("NOOP after Start: %v", err)
	}
}

// TestConcurrentStopStartClose is for the race detector: lifecycle calls,
// queries and clients all at once, then Close wins for good.
func TestConcurrentStopStartClose(t *testing.T) {
	s := start(t, Config{ImplicitTLS: true})
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for i := range 4 {
		wg.Go(func() {
			for j := 0; ; j++ {
				select {
				case <-stop:
					return
				default:
				}
				switch (i + j) % 4 {
				case 0:
					_ = s.Stop()
				case 1, 2:
					_ = s.Start()
				case 3:
					_ = s.Running()
					_ = s.DropConnections()
					_ = s.Messages()
				}
			}
		})
	}
	for range 2 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				// A connection caught half-open by a listener closing is
				// never reset by the kernel: short timeouts, as any client
				// should have.
				nc, err := net.DialTimeout("tcp", s.Addr(), time.Second)
				if err != nil {
					continue
				}
				c := smtp.NewClient(nc)
				c.CommandTimeout, c.SubmissionTimeout = time.Second, time.Second
				_ = c.SendMail(user, []string{"bob@customer.example"}, strings.NewReader(message("x@y", "Hi")))
				_ = c.Close()
			}
		})
	}
	time.Sleep(300 * time.Millisecond)
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	select {
	case err := <-closed:
		if err != nil {
			t.Errorf("Close: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Close blocked")
	}
	close(stop)
	wg.Wait()
	if s.Running() {
		t.Error("Running() = true after Close")
	}
	if err := s.Start(); !errors.Is(err, ErrClosed) {
		t.Errorf("Start after Close = %v, want ErrClosed", err)
	}
}
