package e2e

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// net/http served by a guest on a wasinet_v0 listener answers a native
// client: keep-alive GETs and a 1 MiB POST, while another connection sits
// idle. (net/http stops its background read with a deadline long past:
// that must expire, or every request would hang.)
func TestV0HTTPServer(t *testing.T) {
	gw := guest(t, "go", "v0_http")
	g := startGuest(t, opts{}, "run", "--allow-listen=loopback", gw, "server", "127.0.0.1:0")
	base := "http://" + g.listening()
	idle := dialNative(t, "tcp4", strings.TrimPrefix(base, "http://"))
	_ = idle // connected and silent for the whole test

	client := &http.Client{Timeout: peerTimeout}
	for i := 0; i < 3; i++ {
		resp, err := client.Get(base + "/hello")
		if err != nil {
			t.Fatalf("GET /hello #%d: %v\n%s", i+1, err, g.output())
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 || string(body) != "hello from the guest\n" {
			t.Fatalf("GET /hello #%d: %d %q %v", i+1, resp.StatusCode, body, err)
		}
	}
	data := pattern(1 << 20)
	resp, err := client.Post(base+"/echo", "application/octet-stream", strings.NewReader(string(data)))
	if err != nil {
		t.Fatalf("POST /echo: %v\n%s", err, g.output())
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if want := fmt.Sprintf("%d %s", len(data), sum(data)); err != nil || string(body) != want {
		t.Errorf("POST /echo: %d %q %v, want %q", resp.StatusCode, body, err, want)
	}
}

// A guest's net/http client, dialing through wasinet_v0, fetches twice
// from a native server.
func TestV0HTTPClient(t *testing.T) {
	gw := guest(t, "go", "v0_http")
	payload := []byte(strings.Repeat("0123456789abcdef", 16<<10)) // 256 KiB of text
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write(payload)
	}))
	t.Cleanup(srv.Close)
	r := run(t, opts{}, "run", "--allow-net=loopback", gw, "client", srv.URL+"/data")
	expectCode(t, r, 0)
	line := fmt.Sprintf("status 200 len %d sha %s body %s", len(payload), sum(payload), payload[:64])
	expectStdout(t, r, line+"\n"+line+"\n")
}
