package e2e

// `wasinet run --instances N` (issue 19): N instances of one module share
// the --listen sockets, are restarted when they fail, are reloaded on
// SIGHUP without a failed request and drained on SIGTERM. The guests are
// ordinary Go servers on net.FileListener (guests/go/instance_http), or
// the SDK server binding its own port (guests/go/sdk_http).

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// waitStderr waits until the process's stderr matches re and returns the
// first submatch (or the whole match).
func (g *guestProc) waitStderr(re *regexp.Regexp, timeout time.Duration) string {
	g.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		if m := re.FindStringSubmatch(g.stderr.String()); m != nil {
			return m[len(m)-1]
		}
		select {
		case <-g.exited:
			g.t.Fatalf("wasinet ended before its stderr matched %q\n%s", re, g.res)
		default:
		}
		if time.Now().After(deadline) {
			g.t.Fatalf("no stderr matching %q within %v\n%s", re, timeout, g.output())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

var listenLine = regexp.MustCompile(`wasinet: listening on tcp://([0-9.]+:[0-9]+)`)

// startService runs the guest (a path to a .wasm) as a service on a
// --listen socket the system chooses; returns it and its base URL.
func startInstances(t *testing.T, wasm string, flags ...string) (*guestProc, string) {
	t.Helper()
	args := concat([]string{"run", "--listen", "tcp://127.0.0.1:0"}, flags, []string{wasm})
	g := startGuest(t, opts{}, args...)
	return g, "http://" + g.waitStderr(listenLine, guestStartTimeout)
}

// get fetches url on a connection of its own; body and error.
func getNew(url string) (string, error) {
	client := &http.Client{Timeout: peerTimeout, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Get(url)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("status %s", resp.Status)
	}
	return string(body), err
}

var whoLine = regexp.MustCompile(`^instance=(\d+) instances=(\d+) version=(v\d)\n$`)

// instancesSeen sends n concurrent /spin requests (each computing for a
// while, so a busy instance leaves the next connection to another) and
// returns how many each instance answered.
func instancesSeen(t *testing.T, base string, n int) map[string]int {
	t.Helper()
	var mu sync.Mutex
	seen := map[string]int{}
	var wg sync.WaitGroup
	for k := 0; k < n; k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body, err := getNew(base + "/spin?ms=100")
			m := whoLine.FindStringSubmatch(body)
			if err != nil || m == nil {
				t.Errorf("GET /spin: %q, %v", body, err)
				return
			}
			mu.Lock()
			seen[m[1]]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	return seen
}

func TestInstancesShareTheListener(t *testing.T) {
	g, base := startInstances(t, guest(t, "go", "instance_http"), "--instances", "2")
	body, err := getNew(base + "/who")
	if m := whoLine.FindStringSubmatch(body); err != nil || m == nil || m[2] != "2" {
		t.Fatalf("GET /who: %q, %v\n%s", body, err, g.output())
	}
	// Requests on new connections spread: both instances answer some.
	seen := map[string]int{}
	for round := 0; round < 5 && len(seen) < 2; round++ {
		for k, v := range instancesSeen(t, base, 16) {
			seen[k] += v
		}
	}
	if seen["0"] == 0 || seen["1"] == 0 {
		t.Errorf("answers per instance %v: want both instances to answer\n%s", seen, g.output())
	}
	t.Logf("answers per instance: %v", seen)
	g.cmd.Process.Signal(syscall.SIGINT)
	if r := g.wait(20 * time.Second); r.code != 130 {
		t.Errorf("after SIGINT: exit %d, want 130\n%s", r.code, r)
	}
}

// Idle, N instances cost nothing: each waits in the kernel.
func TestInstancesIdleUseNoCPU(t *testing.T) {
	g, base := startInstances(t, guest(t, "go", "instance_http"), "--instances", "4")
	if _, err := getNew(base + "/who"); err != nil {
		t.Fatalf("GET /who: %v\n%s", err, g.output())
	}
	time.Sleep(500 * time.Millisecond)
	pid := g.cmd.Process.Pid
	cpu0, t0 := procCPU(t, pid), time.Now()
	time.Sleep(3 * time.Second)
	share := float64(procCPU(t, pid)-cpu0) / float64(time.Since(t0))
	t.Logf("4 idle instances: %.2f%% of a core over 3 s", 100*share)
	if share > 0.05 {
		t.Errorf("4 idle instances used %.1f%% of a core, want about 0%%", 100*share)
	}
}

// An instance that exits with a failure is restarted; the other serves
// meanwhile. One that traps is restarted too (with backoff).
func TestInstancesRestartAfterFailure(t *testing.T) {
	g, base := startInstances(t, guest(t, "go", "instance_http"), "--instances", "2")
	if body, err := getNew(base + "/exit?code=3"); err != nil || body != "bye\n" {
		t.Fatalf("GET /exit: %q, %v\n%s", body, err, g.output())
	}
	g.waitStderr(regexp.MustCompile(`wasinet: instance [01] exited with status 3; restarting in 100 ms`), 10*time.Second)
	for k := 0; k < 20; k++ { // served throughout
		if _, err := getNew(base + "/who"); err != nil {
			t.Fatalf("GET /who after the exit: %v\n%s", err, g.output())
		}
	}
	// Both serve again.
	seen := map[string]int{}
	for round := 0; round < 10 && len(seen) < 2; round++ {
		for k, v := range instancesSeen(t, base, 16) {
			seen[k] += v
		}
	}
	if len(seen) < 2 {
		t.Errorf("after the restart only %v answered\n%s", seen, g.output())
	}
	g.cmd.Process.Signal(syscall.SIGINT)
	g.wait(20 * time.Second)

	trap := startGuest(t, opts{}, "run", "--instances", "2", guest(t, "c", "trap"))
	trap.waitStderr(regexp.MustCompile(`wasinet: instance 0 trapped: .*; restarting in 200 ms`), 20*time.Second)
	trap.cmd.Process.Signal(syscall.SIGINT)
	if r := trap.wait(20 * time.Second); r.code != 130 {
		t.Errorf("trapping service after SIGINT: exit %d, want 130\n%s", r.code, r)
	}
}

// With --restart=no nothing comes back, and the service ends with the last
// instance's status.
func TestInstancesRestartNo(t *testing.T) {
	g, base := startInstances(t, guest(t, "go", "instance_http"), "--instances", "2", "--restart=no")
	getNew(base + "/exit?code=5")
	g.waitStderr(regexp.MustCompile(`instance [01] exited with status 5\n`), 10*time.Second)
	getNew(base + "/exit?code=6")
	r := g.wait(20 * time.Second)
	if r.code != 6 {
		t.Errorf("exit %d, want 6 (the last instance's)\n%s", r.code, r)
	}
	if strings.Contains(r.stderr, "restarting") {
		t.Errorf("--restart=no restarted\n%s", r)
	}
}

// SIGHUP under load: clients opening a connection per request see no
// failure while a changed module takes over, and afterwards only the new
// version answers.
func TestInstancesReloadUnderLoad(t *testing.T) {
	dir := t.TempDir()
	module := filepath.Join(dir, "server.wasm")
	copyFile(t, guest(t, "go", "instance_http"), module)
	g, base := startInstances(t, module, "--instances", "2")

	stop := perRequestLoad(base+"/who", func(body string) (string, bool) {
		m := whoLine.FindStringSubmatch(body)
		if m == nil {
			return "", false
		}
		return m[3], true
	})
	time.Sleep(time.Second)
	next := filepath.Join(dir, "next.wasm")
	copyFile(t, guest(t, "go", "instance_http_v2"), next)
	if err := os.Rename(next, module); err != nil {
		t.Fatal(err)
	}
	g.cmd.Process.Signal(syscall.SIGHUP)
	g.waitStderr(regexp.MustCompile(`wasinet: generation 0 drained`), 60*time.Second)
	time.Sleep(500 * time.Millisecond)
	r := stop()
	t.Logf("%d requests during the reload, %d failed; versions %v", r.requests, r.failures, r.labels)
	if r.failures != 0 {
		t.Errorf("%d of %d requests failed during the reload (first: %s)\n%s", r.failures, r.requests, r.firstFailure, g.output())
	}
	if r.labels["v2"] == 0 {
		t.Errorf("v2 never answered: %v\n%s", r.labels, g.output())
	}
	for k := 0; k < 20; k++ {
		body, err := getNew(base + "/who")
		if m := whoLine.FindStringSubmatch(body); err != nil || m == nil || m[3] != "v2" {
			t.Fatalf("after the reload: %q, %v\n%s", body, err, g.output())
		}
	}
	// A module that does not load leaves the new generation serving.
	if err := os.WriteFile(module, []byte("not wasm"), 0o644); err != nil {
		t.Fatal(err)
	}
	g.cmd.Process.Signal(syscall.SIGHUP)
	g.waitStderr(regexp.MustCompile(`wasinet: reload failed: .*; generation 1 keeps serving`), 20*time.Second)
	if body, err := getNew(base + "/who"); err != nil || !strings.Contains(body, "version=v2") {
		t.Errorf("after a failed reload: %q, %v", body, err)
	}
	g.cmd.Process.Signal(syscall.SIGINT)
	g.wait(20 * time.Second)
}

// SIGTERM: a request in flight completes, then the service ends (143).
func TestInstancesSigtermFinishesInFlight(t *testing.T) {
	g, base := startInstances(t, guest(t, "go", "instance_http"), "--instances", "2")
	type answer struct {
		body string
		err  error
	}
	done := make(chan answer, 1)
	start := time.Now()
	go func() {
		body, err := getNew(base + "/slow?ms=1500")
		done <- answer{body, err}
	}()
	time.Sleep(300 * time.Millisecond)
	g.cmd.Process.Signal(syscall.SIGTERM)
	a := <-done
	if a.err != nil || a.body != "slow done\n" {
		t.Errorf("the request in flight: %q, %v\n%s", a.body, a.err, g.output())
	}
	r := g.wait(20 * time.Second)
	if r.code != 143 {
		t.Errorf("after SIGTERM: exit %d, want 143\n%s", r.code, r)
	}
	t.Logf("in-flight request took %v; the service ended %v after it started", time.Since(start), r.elapsed)
}

// A guest that binds its own port: every instance binds it (SO_REUSEPORT)
// and serves there.
func TestInstancesGuestBindsItsOwnPort(t *testing.T) {
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	g := startGuest(t, opts{}, "run", "--instances", "4", "--allow-listen="+addr,
		guest(t, "go", "sdk_http"), "serve", addr)
	for k := 0; k < 4; k++ {
		g.waitLine("listening ", guestStartTimeout)
	}
	for k := 0; k < 20; k++ {
		body, err := getNew("http://" + addr + "/hello")
		if err != nil {
			t.Fatalf("GET /hello: %q, %v\n%s", body, err, g.output())
		}
	}
	if s := g.stderr.String(); strings.Contains(s, "restarting") || strings.Contains(s, "exited") {
		t.Errorf("an instance failed to serve on its own port:\n%s", s)
	}
	g.cmd.Process.Signal(syscall.SIGINT)
	g.wait(20 * time.Second)
}

// loadResult is what perRequestLoad's clients saw.
type loadResult struct {
	requests, failures int64
	firstFailure       string
	labels             map[string]int // what `check` named, counted
}

// perRequestLoad starts 4 clients that open a connection per request to
// url, again and again, until the returned function is called; that stops
// them and says what they saw. check says whether an answer is right and
// names it (a version, say; "" names nothing).
func perRequestLoad(url string, check func(body string) (label string, ok bool)) func() loadResult {
	var requests, failures atomic.Int64
	var mu sync.Mutex
	res := loadResult{labels: map[string]int{}}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for c := 0; c < 4; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				body, err := getNew(url)
				requests.Add(1)
				label, ok := check(body)
				mu.Lock()
				if err != nil || !ok {
					failures.Add(1)
					if res.firstFailure == "" {
						res.firstFailure = fmt.Sprintf("%q, %v", body, err)
					}
				} else if label != "" {
					res.labels[label]++
				}
				mu.Unlock()
			}
		}()
	}
	return func() loadResult {
		cancel()
		wg.Wait()
		res.requests, res.failures = requests.Load(), failures.Load()
		return res
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// A guest that listens on its own port: every instance and the next
// generation listen on one shared socket, so a reload under load resets
// no connection waiting in an old instance's queue.
func TestInstancesReloadOnTheGuestsOwnPort(t *testing.T) {
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	g := startGuest(t, opts{}, "run", "--instances", "2", "--allow-listen="+addr,
		guest(t, "go", "sdk_http"), "serve", addr)
	for k := 0; k < 2; k++ {
		g.waitLine("listening ", guestStartTimeout)
	}
	stop := perRequestLoad("http://"+addr+"/hello", func(body string) (string, bool) {
		return "", strings.HasPrefix(body, "hello")
	})
	time.Sleep(time.Second)
	g.cmd.Process.Signal(syscall.SIGHUP)
	g.waitStderr(regexp.MustCompile(`wasinet: generation 0 drained`), 60*time.Second)
	time.Sleep(500 * time.Millisecond)
	r := stop()
	t.Logf("%d requests during the reload, %d failed", r.requests, r.failures)
	if r.failures != 0 {
		t.Errorf("%d of %d requests failed during the reload (first: %s)\n%s", r.failures, r.requests, r.firstFailure, g.output())
	}
	g.cmd.Process.Signal(syscall.SIGINT)
	g.wait(20 * time.Second)
}
