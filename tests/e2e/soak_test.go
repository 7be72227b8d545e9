package e2e

// Soak: a Go net/http server guest (tests/guests/go/soak_http) under a
// bounded load for $SOAK_SECONDS (default 60): 16 native keep-alive
// clients plus connection churn (every 25th request of a client on a new
// connection), GET / and POST /echo with their bodies checked, at most
// $SOAK_RATE requests a second (default 2000) so it stays a soak, not a
// benchmark. Every request must succeed; the wasinet process's RSS,
// sampled each second, must be flat after the warm-up, and its fd count
// must come back to where it was once the clients go away.
//
// The figures are logged and written as one "soak: ..." line to
// $SOAK_REPORT, or BUILD/soak-report.txt beside the guests (go test shows
// a passing test's log only with -v).

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const (
	soakClients     = 16
	soakChurnEvery  = 25       // every Nth request of a client opens a new connection
	soakMaxBody     = 64 << 10 // POST bodies are 0..64 KiB
	soakWarmup      = 10       // seconds of samples left out of the flatness check
	soakSlack       = 8 << 20  // RSS: last third ≤ first third × 1.25 + this
	soakFdSettle    = 15 * time.Second
	soakDefaultRate = 2000
)

func envInt(t *testing.T, name string, def int) int {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		t.Fatalf("$%s=%q: want a positive number", name, v)
	}
	return n
}

// soakSample is one second's look at the wasinet process.
type soakSample struct {
	rss int64
	fds int
}

func fdCount(pid int) int {
	ents, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		return -1
	}
	return len(ents)
}

// soakServer is the guest running in the background for longer than
// startGuest allows.
type soakServer struct {
	cmd    *exec.Cmd
	base   string // http://127.0.0.1:PORT
	stderr lockedBuffer
	exited chan struct{}
}

func startSoakServer(t *testing.T, wasm string, life time.Duration) *soakServer {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), life)
	s := &soakServer{exited: make(chan struct{})}
	s.cmd = wasinetCmd(ctx, t, opts{}, "run", "--allow-listen=127.0.0.1", wasm, "-addr", "127.0.0.1:0")
	s.cmd.Stderr = &s.stderr
	out, err := s.cmd.StdoutPipe()
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	first := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			select {
			case first <- sc.Text():
			default:
			}
		}
		s.cmd.Wait()
		close(s.exited)
	}()
	t.Cleanup(func() {
		s.cmd.Process.Kill()
		<-s.exited
		cancel()
	})
	select {
	case l := <-first:
		s.base = strings.TrimPrefix(l, "listening on ")
		if !strings.HasPrefix(s.base, "http://127.0.0.1:") {
			t.Fatalf("the server says %q", l)
		}
	case <-s.exited:
		t.Fatalf("the server exited before listening; stderr:\n%s", s.stderr.String())
	case <-time.After(guestStartTimeout):
		t.Fatalf("the server did not listen within %v; stderr:\n%s", guestStartTimeout, s.stderr.String())
	}
	return s
}

// soakClient is one native client: a keep-alive transport of its own, and
// a fresh connection for every soakChurnEvery-th request.
type soakClient struct {
	id        int
	base      string
	keepAlive *http.Transport
	body      []byte // the pattern, sliced for POST bodies
}

// do sends request n of this client and checks the answer.
func (c *soakClient) do(n int) (newConn bool, err error) {
	tr := c.keepAlive
	if n%soakChurnEvery == soakChurnEvery-1 {
		tr = &http.Transport{DisableKeepAlives: true}
		defer tr.CloseIdleConnections()
	}
	var local string
	var reused bool
	trace := &httptrace.ClientTrace{GotConn: func(i httptrace.GotConnInfo) {
		local, reused = i.Conn.LocalAddr().String(), i.Reused
	}}
	ctx, cancel := context.WithTimeout(httptrace.WithClientTrace(context.Background(), trace), 30*time.Second)
	defer cancel()
	var req *http.Request
	var want []byte
	if n%2 == 0 {
		req, _ = http.NewRequestWithContext(ctx, "GET", c.base+"/", nil)
	} else {
		size := (n*7919 + c.id*104729) % (soakMaxBody + 1)
		want = c.body[:size]
		req, _ = http.NewRequestWithContext(ctx, "POST", c.base+"/echo", bytes.NewReader(want))
	}
	resp, err := tr.RoundTrip(req)
	if err != nil {
		return false, err
	}
	got, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return !reused, fmt.Errorf("%s %s: reading the body: %w", req.Method, req.URL.Path, err)
	}
	if resp.StatusCode != 200 {
		return !reused, fmt.Errorf("%s %s: status %d", req.Method, req.URL.Path, resp.StatusCode)
	}
	if want == nil {
		if w := "hello " + local + "\n"; string(got) != w {
			return !reused, fmt.Errorf("GET /: %q, want %q", got, w)
		}
	} else if !bytes.Equal(got, want) {
		return !reused, fmt.Errorf("POST /echo: %d bytes back for %d sent, or different ones", len(got), len(want))
	}
	return !reused, nil
}

func maxOf(s []soakSample, f func(soakSample) int64) int64 {
	var m int64
	for _, x := range s {
		m = max(m, f(x))
	}
	return m
}

func TestSoakHTTPServer(t *testing.T) {
	seconds := envInt(t, "SOAK_SECONDS", 60)
	rate := envInt(t, "SOAK_RATE", soakDefaultRate)
	w := guest(t, "go", "soak_http")
	srv := startSoakServer(t, w, time.Duration(seconds)*time.Second+3*time.Minute)
	pid := srv.cmd.Process.Pid

	clients := make([]*soakClient, soakClients)
	body := pattern(soakMaxBody)
	for i := range clients {
		clients[i] = &soakClient{id: i, base: srv.base, body: body,
			keepAlive: &http.Transport{MaxIdleConnsPerHost: 1, DisableCompression: true}}
	}
	// Warm the server (and its first connections) before the baseline.
	for i, c := range clients {
		for n := 0; n < 4; n++ {
			if _, err := c.do(n + i); err != nil {
				t.Fatalf("warm-up request: %v\nstderr:\n%s", err, srv.stderr.String())
			}
		}
		c.keepAlive.CloseIdleConnections()
	}
	time.Sleep(500 * time.Millisecond) // the server sees those closes
	fdsBefore := fdCount(pid)
	rssBefore, _ := rssBytes(pid)

	// The rate limit: a token per request, refilled every 10 ms.
	tokens := make(chan struct{}, rate/50+1)
	stop := make(chan struct{})
	var refill sync.WaitGroup
	refill.Add(1)
	go func() {
		defer refill.Done()
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		carry := 0.0
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			carry += float64(rate) / 100
			for ; carry >= 1; carry-- {
				select {
				case tokens <- struct{}{}:
				default: // the clients are behind: the tokens are not saved up
				}
			}
		}
	}()

	var requests, failures, newConns atomic.Int64
	var errMu sync.Mutex
	var firstErrors []string
	var workers sync.WaitGroup
	for _, c := range clients {
		workers.Add(1)
		go func(c *soakClient) {
			defer workers.Done()
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				case <-tokens:
				}
				fresh, err := c.do(n)
				requests.Add(1)
				if fresh {
					newConns.Add(1)
				}
				if err != nil {
					failures.Add(1)
					errMu.Lock()
					if len(firstErrors) < 5 {
						firstErrors = append(firstErrors, err.Error())
					}
					errMu.Unlock()
				}
			}
		}(c)
	}

	var samples []soakSample
	start := time.Now()
	tick := time.NewTicker(time.Second)
	for i := 0; i < seconds; i++ {
		<-tick.C
		select {
		case <-srv.exited:
			t.Fatalf("the server exited during the soak; stderr:\n%s", srv.stderr.String())
		default:
		}
		rss, err := rssBytes(pid)
		if err != nil {
			t.Fatal(err)
		}
		samples = append(samples, soakSample{rss, fdCount(pid)})
	}
	tick.Stop()
	close(stop)
	workers.Wait()
	refill.Wait()
	elapsed := time.Since(start)
	for _, c := range clients {
		c.keepAlive.CloseIdleConnections()
	}
	// Once the clients are gone the server closes its conns: back to the
	// fds it had before the load.
	fdsAfter := fdCount(pid)
	for deadline := time.Now().Add(soakFdSettle); fdsAfter > fdsBefore && time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
		fdsAfter = fdCount(pid)
	}
	rssAfter, _ := rssBytes(pid)

	// Flatness: the samples after the warm-up, in thirds.
	warm := min(soakWarmup, len(samples)/3)
	steady := samples[warm:]
	third := len(steady) / 3
	firstThird, lastThird := steady[:third], steady[len(steady)-third:]
	rss := func(s soakSample) int64 { return s.rss }
	fds := func(s soakSample) int64 { return int64(s.fds) }
	rssFirst, rssLast, rssMax := maxOf(firstThird, rss), maxOf(lastThird, rss), maxOf(samples, rss)
	fdMax := maxOf(samples, fds)

	n := requests.Load()
	report := fmt.Sprintf("soak: %d s, %d requests (%.0f/s, limit %d/s), %d failed, %d new connections, %d clients; "+
		"wasinet RSS before %s, first third max %s, last third max %s, max %s, after %s; fds before %d, max %d, after %d",
		seconds, n, float64(n)/elapsed.Seconds(), rate, failures.Load(), newConns.Load(), soakClients,
		mib(rssBefore), mib(rssFirst), mib(rssLast), mib(rssMax), mib(rssAfter), fdsBefore, fdMax, fdsAfter)
	t.Log(report)
	fmt.Println(report)
	reportFile := os.Getenv("SOAK_REPORT")
	if reportFile == "" {
		reportFile = filepath.Join(filepath.Dir(guestsDir), "soak-report.txt")
	}
	if err := os.WriteFile(reportFile, []byte(report+"\n"), 0o644); err != nil {
		t.Logf("cannot write the report: %v", err)
	}

	if failures.Load() != 0 {
		t.Errorf("%d of %d requests failed; the first: %s", failures.Load(), n, strings.Join(firstErrors, " | "))
	}
	// A soak that hardly ran proves nothing: at least 50 requests a second.
	if n < int64(seconds)*50 {
		t.Errorf("only %d requests in %d s", n, seconds)
	}
	if third == 0 {
		t.Fatalf("too few samples (%d) to judge: run at least 15 s", len(samples))
	}
	if limit := rssFirst*5/4 + soakSlack; rssLast > limit {
		t.Errorf("RSS grows: the last third's max %s is over the first third's %s × 1.25 + %s", mib(rssLast), mib(rssFirst), mib(soakSlack))
	}
	if fdsAfter > fdsBefore {
		t.Errorf("the server holds %d fds after the load, %d before: connections leak", fdsAfter, fdsBefore)
	}
	// Connections in use at any moment: the clients' plus churn, never
	// a count that climbs.
	if fdMax > int64(fdsBefore+2*soakClients+8) {
		t.Errorf("the server held up to %d fds under load (%d before, %d clients)", fdMax, fdsBefore, soakClients)
	}
}
