package mail

import (
	"bufio"
	"net"
	"strings"
	"testing"
)

// fakeServer is a scripted SMTP peer for the cases the real local server
// cannot play (no STARTTLS, odd AUTH, greeting refusals, SIZE). It serves
// connections until the test ends; greeting "" hangs up at once. replies
// maps a command verb (EHLO, MAIL, ..., "." for the end of DATA) to the
// reply lines, or "HANGUP" to close the connection instead, or for DATA
// "STALL" to accept it and then stop reading; anything else gets "250 OK".
func fakeServer(t *testing.T, greeting string, replies map[string]string) (host string, port int) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() { close(done); _ = ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go serveFake(c, greeting, replies, done)
		}
	}()
	a := ln.Addr().(*net.TCPAddr)
	return a.IP.String(), a.Port
}

func serveFake(c net.Conn, greeting string, replies map[string]string, done <-chan struct{}) {
	defer func() { _ = c.Close() }()
	if greeting == "" {
		return
	}
	r := bufio.NewReader(c)
	say := func(s string) bool {
		_, err := c.Write([]byte(strings.ReplaceAll(s, "\n", "\r\n") + "\r\n"))
		return err == nil
	}
	if !say(greeting) {
		return
	}
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		verb := strings.ToUpper(strings.Fields(line + " x")[0])
		reply, ok := replies[verb]
		switch {
		case ok:
		case verb == "EHLO":
			reply = "250-fake\n250 PIPELINING"
		case verb == "DATA":
			reply = "354 go ahead"
		case verb == "QUIT":
			say("221 bye")
			return
		default:
			reply = "250 OK"
		}
		if reply == "STALL" {
			say("354 go ahead")
			<-done
			return
		}
		if reply == "HANGUP" || !say(reply) {
			return
		}
		if verb == "DATA" && strings.HasPrefix(reply, "354") {
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
			}
			end, ok := replies["."]
			if !ok {
				end = "250 queued"
			}
			if !say(end) {
				return
			}
		}
	}
}
