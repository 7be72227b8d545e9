// policy_probe: one network (or file) call per argument, through the
// wasinet_v0 calls of the existing Go guest library, printing what the
// guest got: for the network policy's e2e tests (tests/e2e/policy_test.go).
//
//	connect:ADDR      dial tcp, send "hello", print the reply
//	dial:HOST:PORT    the same, HOST resolved through the host
//	listen:ADDR       listen tcp; "listen ADDR ok LOCAL"
//	bind:ADDR         bind a udp socket; "bind ADDR ok LOCAL"
//	sendto:FROM>TO    bind udp at FROM, send "ping" to TO
//	lookup:NAME       resolve NAME ("ip"); the answers
//	unix:PATH         dial a unix stream socket, send "hello", print the reply
//	file:PATH         write and read back a file
//
// Each prints one line: "OP ARG ok ..." or "OP ARG errno=N" (a WASI errno;
// the policy refuses with EACCES, 2). Every step runs whatever the others
// got; the exit status is 0.
package main

import (
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"time"

	"wasinet.test/guests/internal/v0guest"
)

func main() {
	for _, step := range os.Args[1:] {
		op, arg, ok := strings.Cut(step, ":")
		if !ok {
			fmt.Fprintf(os.Stderr, "policy_probe: %q is not OP:ARG\n", step)
			os.Exit(2)
		}
		fmt.Printf("%s %s %s\n", op, arg, do(op, arg))
	}
}

func result(err error) string {
	if e := v0guest.Errno(err); e != 0 {
		return fmt.Sprintf("errno=%d", uint32(e))
	}
	return "error " + err.Error()
}

func do(op, arg string) string {
	switch op {
	case "connect", "dial":
		return exchange(v0guest.Dial("tcp", arg))
	case "unix":
		return exchange(v0guest.Dial("unix", arg))
	case "listen":
		l, err := v0guest.Listen("tcp", arg)
		if err != nil {
			return result(err)
		}
		defer l.Close()
		return "ok " + l.Addr().String()
	case "bind":
		c, err := v0guest.ListenPacket("udp", arg)
		if err != nil {
			return result(err)
		}
		defer c.Close()
		return "ok " + c.LocalAddr().String()
	case "sendto":
		from, to, _ := strings.Cut(arg, ">")
		c, err := v0guest.ListenPacket("udp", from)
		if err != nil {
			return "bind " + result(err)
		}
		defer c.Close()
		addr, err := net.ResolveUDPAddr("udp", to)
		if err != nil {
			return result(err)
		}
		if _, err := c.WriteTo([]byte("ping"), addr); err != nil {
			return result(err)
		}
		return "ok"
	case "lookup":
		ips, err := v0guest.LookupIP("ip", arg)
		if err != nil {
			return result(err)
		}
		var s []string
		for _, ip := range ips {
			s = append(s, ip.String())
		}
		return "ok " + strings.Join(s, " ")
	case "file":
		if err := os.WriteFile(arg, []byte("kept"), 0o644); err != nil {
			return "error " + err.Error()
		}
		b, err := os.ReadFile(arg)
		if err != nil {
			return "error " + err.Error()
		}
		return "ok " + string(b)
	}
	fmt.Fprintf(os.Stderr, "policy_probe: unknown step %q\n", op)
	os.Exit(2)
	return ""
}

func exchange(c net.Conn, err error) string {
	if err != nil {
		return result(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(20 * time.Second))
	if _, err := c.Write([]byte("hello")); err != nil {
		return "write " + result(err)
	}
	b, err := io.ReadAll(c)
	if err != nil {
		return "read " + result(err)
	}
	return "ok " + string(b)
}
