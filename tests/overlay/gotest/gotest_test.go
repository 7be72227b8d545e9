package gotest

import (
	"io"
	"net"
	"os"
	"path/filepath"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		c, err := l.Accept()
		if err == nil {
			io.Copy(c, c)
			c.Close()
		}
	}()
	got, err := RoundTrip(l.Addr().String(), "ping")
	if err != nil || got != "ping" {
		t.Fatalf("RoundTrip: %q, %v", got, err)
	}
	file := filepath.Join(t.TempDir(), "note")
	if err := os.WriteFile(file, []byte("temp"), 0o600); err != nil {
		t.Fatal(err)
	}
	wd, _ := os.Getwd()
	t.Logf("listened on %s; wrote %s; working directory %s", l.Addr(), file, wd)
}
