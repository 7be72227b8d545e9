package e2e

// net/http on the Go SDK: a client guest (autohijack, plain http.Get)
// verifying a local TLS server through the CA bundle the host mounts, and
// a server guest (http.Serve on wasinet.Listen) under 200 concurrent
// native clients and while idle.

import (
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// A native HTTPS server on 127.0.0.1 with a certificate from a CA made for
// this test; the guest fetches https://localhost:PORT/secret with
// http.Get. The CA reaches the guest only through wasinet's default
// certificate mounting (the host's SSL_CERT_FILE names the CA file).
func TestSDKHTTPSClient(t *testing.T) {
	g := guest(t, "go", "sdk_http")
	ca := newTestCA(t, "wasinet e2e test CA")
	other := newTestCA(t, "wasinet e2e unrelated CA")
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "secret over TLS\n")
	}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{ca.server}}
	// The refused handshakes are expected; do not log them.
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	url := fmt.Sprintf("https://localhost:%d/secret", srv.Listener.Addr().(*net.TCPAddr).Port)

	// The server is right: a native client trusting only the CA gets through.
	native := &http.Client{Timeout: peerTimeout, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: ca.pool(t)}}}
	if resp, err := native.Get(url); err != nil {
		t.Fatalf("native client: %v", err)
	} else {
		resp.Body.Close()
	}

	dir := t.TempDir()
	caFile := filepath.Join(dir, "test-ca.pem")
	otherFile := filepath.Join(dir, "other-ca.pem")
	guestCerts := filepath.Join(dir, "guest-certs")
	for _, f := range []struct {
		path string
		data []byte
	}{{caFile, ca.pem}, {otherFile, other.pem}, {filepath.Join(guestCerts, "mine.pem"), ca.pem}} {
		if err := os.MkdirAll(filepath.Dir(f.path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f.path, f.data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	grants := concat(grantLoopback, grantDNS)
	const mounted = "ssl_cert_file=/etc/ssl/certs/ca-certificates.crt\n"
	ok := `status 200 body "secret over TLS\n"` + "\n"
	// certError checks for the guest's two lines: where its roots came
	// from, and a certificate error.
	certError := func(t *testing.T, r result, certFileLine string) {
		t.Helper()
		const want = "error cert=true unknown_authority=true "
		out := lines(r.stdout)
		if len(out) != 2 || out[0] != certFileLine || !strings.HasPrefix(out[1], want) {
			t.Errorf("stdout %q, want %q and a line starting %q\n%s", r.stdout, certFileLine, want, r)
		}
	}

	t.Run("host-bundle", func(t *testing.T) {
		r := run(t, opts{env: []string{"SSL_CERT_FILE=" + caFile}}, sdkArgs(grants, g, "get", url)...)
		expectCode(t, r, 0)
		expectStdout(t, r, mounted+ok)
	})
	t.Run("no-ca-certs", func(t *testing.T) {
		r := run(t, opts{env: []string{"SSL_CERT_FILE=" + caFile}}, sdkArgs(concat([]string{"--no-ca-certs"}, grants), g, "get", url)...)
		expectCode(t, r, 0)
		certError(t, r, "ssl_cert_file=")
	})
	t.Run("host-bundle-without-the-ca", func(t *testing.T) {
		r := run(t, opts{env: []string{"SSL_CERT_FILE=" + otherFile}}, sdkArgs(grants, g, "get", url)...)
		expectCode(t, r, 0)
		certError(t, r, strings.TrimSuffix(mounted, "\n"))
	})
	// The guest's own SSL_CERT_FILE wins over the host's bundle (which
	// here holds only the unrelated CA).
	t.Run("guest-ssl-cert-file-wins", func(t *testing.T) {
		args := concat(grants, []string{"--dir", guestCerts + "::/certs:ro", "--env", "SSL_CERT_FILE=/certs/mine.pem"})
		r := run(t, opts{env: []string{"SSL_CERT_FILE=" + otherFile}}, sdkArgs(args, g, "get", url)...)
		expectCode(t, r, 0)
		expectStdout(t, r, "ssl_cert_file=/certs/mine.pem\n"+ok)
	})
}

// httpGet fetches url with c and checks the status and body.
func httpGet(c *http.Client, url, want string) error {
	resp, err := c.Get(url)
	if err != nil {
		return err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 || string(body) != want {
		return fmt.Errorf("GET %s: %d %q %v, want 200 %q", url, resp.StatusCode, body, err, want)
	}
	return nil
}

// 200 native clients, each on its own connection, all connected at once:
// each makes a first request, waits until all 200 have, then makes three
// more GETs and a 64 KiB POST. Zero errors, every body right, and the guest
// counts exactly the requests sent.
func TestSDKHTTPServer200Clients(t *testing.T) {
	const clients, gets = 200, 4
	g := guest(t, "go", "sdk_http")
	p := startGuest(t, opts{}, sdkArgs(grantLoopback, g, "serve", "127.0.0.1:0")...)
	base := "http://" + p.listening()
	post := pattern(64 << 10)
	postWant := fmt.Sprintf("%d %s\n", len(post), sum(post))

	var mu sync.Mutex
	var errs []error
	fail := func(err error) {
		mu.Lock()
		errs = append(errs, err)
		mu.Unlock()
	}
	var firstDone, allDone sync.WaitGroup
	firstDone.Add(clients)
	allDone.Add(clients)
	start := make(chan struct{})
	began := time.Now()
	for i := 0; i < clients; i++ {
		go func(i int) {
			defer allDone.Done()
			tr := &http.Transport{MaxConnsPerHost: 1, DisableCompression: true}
			defer tr.CloseIdleConnections()
			c := &http.Client{Transport: tr, Timeout: peerTimeout}
			<-start
			get := func(r int) error {
				return httpGet(c, fmt.Sprintf("%s/hello?c=%d&r=%d", base, i, r), fmt.Sprintf("hello c=%d r=%d\n", i, r))
			}
			err := get(0)
			firstDone.Done()
			if err != nil {
				fail(fmt.Errorf("client %d: %w", i, err))
				return
			}
			firstDone.Wait() // all 200 connections are open now
			for r := 1; r < gets; r++ {
				if err := get(r); err != nil {
					fail(fmt.Errorf("client %d: %w", i, err))
					return
				}
			}
			resp, err := c.Post(base+"/echo", "application/octet-stream", strings.NewReader(string(post)))
			if err != nil {
				fail(fmt.Errorf("client %d: POST: %w", i, err))
				return
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil || resp.StatusCode != 200 || string(body) != postWant {
				fail(fmt.Errorf("client %d: POST: %d %q %v", i, resp.StatusCode, body, err))
			}
		}(i)
	}
	close(start)
	allDone.Wait()
	elapsed := time.Since(began)
	if len(errs) > 0 {
		for _, e := range errs[:min(len(errs), 10)] {
			t.Error(e)
		}
		t.Fatalf("%d of %d clients failed\n%s", len(errs), clients, p.output())
	}
	total := clients * (gets + 1)
	t.Logf("%d clients, %d requests, 0 errors, in %v (%.0f requests/s)", clients, total, elapsed.Round(time.Millisecond),
		float64(total)/elapsed.Seconds())
	fmt.Printf("sdk-http-200: %d concurrent clients, %d requests, 0 errors, %v\n", clients, total, elapsed.Round(time.Millisecond))

	if err := httpGet(&http.Client{Timeout: peerTimeout}, base+"/exit", "bye\n"); err != nil {
		t.Fatal(err)
	}
	r := p.wait(peerTimeout)
	expectCode(t, r, 0)
	if got := lineMatching(t, r, "served "); got != fmt.Sprintf("served %d", total) {
		t.Errorf("guest: %q, want served %d", got, total)
	}
}

// An HTTP server guest with a keep-alive connection open and nothing to do
// uses under 2% of one core over 5 s: the wasinet process's own CPU time
// (utime+stime of all its threads), measured after it answered once.
func TestSDKHTTPServerIdleCPU(t *testing.T) {
	t.Parallel()
	g := guest(t, "go", "sdk_http")
	p := startGuest(t, opts{}, sdkArgs(grantLoopback, g, "serve", "127.0.0.1:0")...)
	base := "http://" + p.listening()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr, Timeout: peerTimeout}
	if err := httpGet(c, base+"/hello?c=idle&r=0", "hello c=idle r=0\n"); err != nil {
		t.Fatalf("%v\n%s", err, p.output())
	}
	pid := p.cmd.Process.Pid
	cpu0, t0 := procCPU(t, pid), time.Now()
	time.Sleep(5 * time.Second) // the measurement itself, not a synchronisation
	cpu1, t1 := procCPU(t, pid), time.Now()
	pct := 100 * (cpu1 - cpu0).Seconds() / t1.Sub(t0).Seconds()
	t.Logf("idle HTTP server guest: %v CPU over %v = %.2f%% of one core", cpu1-cpu0, t1.Sub(t0).Round(time.Millisecond), pct)
	fmt.Printf("sdk-idle-cpu: %.2f%% of one core over %v (%v CPU)\n", pct, t1.Sub(t0).Round(time.Millisecond), cpu1-cpu0)
	if pct >= 2 {
		t.Errorf("idle server used %.2f%% of a core, want under 2%%", pct)
	}
	// Still alive and answering on the same kept-alive connection.
	if err := httpGet(c, base+"/hello?c=idle&r=1", "hello c=idle r=1\n"); err != nil {
		t.Fatalf("after idling: %v\n%s", err, p.output())
	}
	if err := httpGet(c, base+"/exit", "bye\n"); err != nil {
		t.Fatal(err)
	}
	expectCode(t, p.wait(peerTimeout), 0)
}
