package wasinet

import (
	"net"
	"reflect"
	"strconv"
	"testing"
)

func TestListenFDsParses(t *testing.T) {
	for _, c := range []struct {
		value string
		want  []int
	}{
		{"", nil},
		{"3", []int{3}},
		{"5,6", []int{5, 6}},
	} {
		got, err := listenFDs(c.value)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("listenFDs(%q) = %v, %v; want %v", c.value, got, err, c.want)
		}
	}
	for _, bad := range []string{"x", "5,", ",5", "2", "-1", "5 ,6", "5;6"} {
		if got, err := listenFDs(bad); err == nil {
			t.Errorf("listenFDs(%q) = %v, want an error", bad, got)
		}
	}
}

// Natively, Listeners makes package net listeners of the fds named in
// WASINET_LISTEN_FDS (as a host handing sockets to a native process would).
func TestListenersNative(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	f, err := l.(*net.TCPListener).File()
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	t.Setenv(ListenFDsEnv, strconv.Itoa(int(f.Fd())))
	lns, err := Listeners()
	if err != nil || len(lns) != 1 {
		t.Fatalf("Listeners() = %v, %v; want one", lns, err)
	}
	defer lns[0].Close()
	if got, want := lns[0].Addr().String(), l.Addr().String(); got != want {
		t.Errorf("Addr() = %s, want %s", got, want)
	}
	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	a, err := lns[0].Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if got, want := a.RemoteAddr().String(), c.LocalAddr().String(); got != want {
		t.Errorf("RemoteAddr() = %s, want %s", got, want)
	}

	t.Setenv(ListenFDsEnv, "")
	if lns, err := Listeners(); err != nil || lns != nil {
		t.Errorf("unset: Listeners() = %v, %v; want none", lns, err)
	}
	t.Setenv(ListenFDsEnv, "nope")
	if _, err := Listeners(); err == nil {
		t.Errorf("malformed: no error")
	}
}
