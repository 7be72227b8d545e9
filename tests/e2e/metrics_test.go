package e2e

// `wasinet run --metrics` (issue 22): the Prometheus exposition of a guest
// under load, checked by hand, by promtool and by a real Prometheus server
// scraping it; and --net-log as a stream (stderr, a unix datagram socket).

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

var metricsOn = regexp.MustCompile(`wasinet: metrics on http://([0-9.]+:[0-9]+)/metrics`)

// startMetricsServer runs sdk_http serving on a port of its own with
// --metrics on another; returns it, its base URL and the metrics URL.
func startMetricsServer(t *testing.T, extra ...string) (*guestProc, string, string) {
	t.Helper()
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	args := concat([]string{"run", "--allow-listen=" + addr, "--metrics", "tcp://127.0.0.1:0"}, extra,
		[]string{guest(t, "go", "sdk_http"), "serve", addr})
	g := startGuest(t, opts{}, args...)
	metrics := "http://" + g.waitStderr(metricsOn, guestStartTimeout) + "/metrics"
	g.waitLine("listening ", guestStartTimeout)
	return g, "http://" + addr, metrics
}

func getURL(t *testing.T, u string) (int, string) {
	t.Helper()
	client := &http.Client{Timeout: peerTimeout}
	resp, err := client.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// sample is the value of the series `series` (name and labels exactly as
// exposed, e.g. `wasinet_sent_bytes_total{guest="0"}`), or -1.
func sample(exposition, series string) float64 {
	for _, line := range strings.Split(exposition, "\n") {
		if rest, ok := strings.CutPrefix(line, series+" "); ok {
			v, err := strconv.ParseFloat(rest, 64)
			if err == nil {
				return v
			}
		}
	}
	return -1
}

func TestMetricsOfAGuestUnderLoad(t *testing.T) {
	g, base, metricsURL := startMetricsServer(t)
	for k := 0; k < 20; k++ {
		if _, err := getNew(base + "/hello"); err != nil {
			t.Fatalf("GET /hello: %v\n%s", err, g.output())
		}
	}
	if code, body := getURL(t, base+"/dial?addr=127.0.0.1:9"); !strings.Contains(body, "dial error") {
		t.Fatalf("GET /dial: %d %q (want a refused dial)", code, body)
	}
	code, text := getURL(t, metricsURL)
	if code != 200 {
		t.Fatalf("GET /metrics: %d\n%s", code, text)
	}
	for series, least := range map[string]float64{
		`wasinet_connections_accepted_total{guest="0"}`:                          21,
		`wasinet_connections_closed_total{guest="0"}`:                            15,
		`wasinet_received_bytes_total{guest="0"}`:                                1000,
		`wasinet_sent_bytes_total{guest="0"}`:                                    1000,
		`wasinet_policy_decisions_total{guest="0",op="accept",decision="allow"}`: 21,
		`wasinet_policy_decisions_total{guest="0",op="connect",decision="deny"}`: 1,
		`wasinet_guest_memory_bytes{guest="0"}`:                                  1 << 20,
		`wasinet_guest_open_fds{guest="0"}`:                                      4,
		`wasinet_guest_poll_wait_seconds_total{guest="0"}`:                       1e-9, // waited at all: a time, so no tighter bound
		`wasinet_guest_run_seconds_total{guest="0"}`:                             1e-9,
		`wasinet_instance_starts_total{guest="0"}`:                               1,
	} {
		if v := sample(text, series); v < least {
			t.Errorf("%s = %v, want at least %v", series, v, least)
		}
	}
	if wait, run := sample(text, `wasinet_guest_poll_wait_seconds_total{guest="0"}`),
		sample(text, `wasinet_guest_run_seconds_total{guest="0"}`); wait > run {
		t.Errorf("waited %v s of %v s running", wait, run)
	}
	// promtool, the Prometheus project's own checker, accepts the format.
	if promtool, err := exec.LookPath("promtool"); err != nil {
		t.Errorf("promtool is not installed (scripts/setup.sh installs Debian's prometheus): %v", err)
	} else {
		cmd := exec.Command(promtool, "check", "metrics")
		cmd.Stdin = strings.NewReader(text)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("promtool check metrics: %v\n%s", err, out)
		}
	}
	for _, path := range []string{"/", "/metrics/x", "/other"} {
		if code, _ := getURL(t, strings.TrimSuffix(metricsURL, "/metrics")+path); code != 404 {
			t.Errorf("GET %s: %d, want 404", path, code)
		}
	}
	g.cmd.Process.Signal(syscall.SIGINT)
	g.wait(20 * time.Second)
}

// A real Prometheus scrapes the guest under load; its query API shows the
// accepted connections rising and the guest's denial.
func TestMetricsScrapedByPrometheus(t *testing.T) {
	prom, err := exec.LookPath("prometheus")
	if err != nil {
		t.Fatalf("prometheus is not installed (scripts/setup.sh installs Debian's prometheus): %v", err)
	}
	g, base, metricsURL := startMetricsServer(t)
	target := strings.TrimSuffix(strings.TrimPrefix(metricsURL, "http://"), "/metrics")
	dir := t.TempDir()
	config := filepath.Join(dir, "prometheus.yml")
	writeHostFile(t, config, fmt.Sprintf(`global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: wasinet
    static_configs:
      - targets: ["%s"]
`, target))
	promAddr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	cmd := exec.Command(prom, "--config.file="+config, "--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+promAddr, "--log.level=warn")
	var promLog lockedBuffer
	cmd.Stdout, cmd.Stderr = &promLog, &promLog
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	}()
	// Load while Prometheus scrapes; one denial.
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			default:
			}
			getNew(base + "/hello")
			time.Sleep(5 * time.Millisecond)
		}
	}()
	getURL(t, base+"/dial?addr=127.0.0.1:9")
	query := func(q string) (float64, bool) {
		resp, err := http.Get("http://" + promAddr + "/api/v1/query?query=" + url.QueryEscape(q))
		if err != nil {
			return 0, false
		}
		defer resp.Body.Close()
		var r struct {
			Status string
			Data   struct {
				Result []struct {
					Value [2]any
				}
			}
		}
		if json.NewDecoder(resp.Body).Decode(&r) != nil || r.Status != "success" || len(r.Data.Result) == 0 {
			return 0, false
		}
		s, _ := r.Data.Result[0].Value[1].(string)
		v, err := strconv.ParseFloat(s, 64)
		return v, err == nil
	}
	deadline := time.Now().Add(60 * time.Second)
	var rate, denied float64
	for time.Now().Before(deadline) {
		r, ok1 := query(`rate(wasinet_connections_accepted_total{job="wasinet"}[10s])`)
		d, ok2 := query(`wasinet_policy_decisions_total{job="wasinet",op="connect",decision="deny"}`)
		if ok1 && ok2 && r > 0 && d > 0 {
			rate, denied = r, d
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	close(stop)
	<-done
	t.Logf("Prometheus: rate(accepted[10s]) = %.1f/s, denied connects = %v", rate, denied)
	if rate <= 0 || denied <= 0 {
		t.Errorf("Prometheus never saw accepted connections rising and the denial (rate %v, denied %v)\nprometheus:\n%s\n%s",
			rate, denied, promLog.String(), g.output())
	}
	g.cmd.Process.Signal(syscall.SIGINT)
	g.wait(20 * time.Second)
}

// --net-log - writes JSON lines on stderr, with the guest index.
func TestNetLogToStderr(t *testing.T) {
	g, base, _ := startMetricsServer(t, "--net-log", "-")
	getURL(t, base+"/dial?addr=127.0.0.1:9")
	line := g.waitStderr(regexp.MustCompile(`(\{"time":[^\n]*"decision":"deny"[^\n]*\})`), 20*time.Second)
	var entry map[string]any
	if err := json.Unmarshal([]byte(line), &entry); err != nil {
		t.Fatalf("not JSON: %q: %v", line, err)
	}
	if entry["guest"] != float64(0) || entry["op"] != "connect" || entry["address"] != "127.0.0.1:9" {
		t.Errorf("log line %v: want guest 0, op connect, address 127.0.0.1:9", entry)
	}
	g.cmd.Process.Signal(syscall.SIGINT)
	g.wait(20 * time.Second)
}

// --net-log SOCKET sends one datagram per line; with nobody reading, lines
// are dropped and counted, and the guest never waits.
func TestNetLogToAUnixDatagramSocket(t *testing.T) {
	path := filepath.Join(t.TempDir(), "netlog.sock")
	reader, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	g, base, metricsURL := startMetricsServer(t, "--net-log", path)
	getURL(t, base+"/dial?addr=127.0.0.1:9")
	reader.SetReadDeadline(time.Now().Add(peerTimeout))
	buf := make([]byte, 65536)
	var got map[string]any
	for got == nil || got["decision"] != "deny" {
		n, err := reader.Read(buf)
		if err != nil {
			t.Fatalf("no datagram: %v\n%s", err, g.output())
		}
		got = nil
		if err := json.Unmarshal(buf[:n], &got); err != nil {
			t.Fatalf("datagram %q: %v", buf[:n], err)
		}
	}
	if got["guest"] != float64(0) || got["op"] != "connect" {
		t.Errorf("datagram %v", got)
	}
	// Nobody reads any more (the socket file stays): lines are dropped.
	reader.Close()
	for k := 0; k < 3; k++ {
		getURL(t, base+"/dial?addr=127.0.0.1:9")
	}
	if _, text := getURL(t, metricsURL); sample(text, "wasinet_net_log_dropped_lines_total") < 3 {
		t.Errorf("dropped lines not counted:\n%s", text)
	}
	g.cmd.Process.Signal(syscall.SIGINT)
	g.wait(20 * time.Second)
	os.Remove(path)
}

// With --instances each instance is a `guest` of its own, and the
// supervisor's restarts are counted.
func TestMetricsOfInstances(t *testing.T) {
	g := startGuest(t, opts{}, "run", "--instances", "2", "--listen", "tcp://127.0.0.1:0",
		"--metrics", "tcp://127.0.0.1:0", guest(t, "go", "instance_http"))
	metricsURL := "http://" + g.waitStderr(metricsOn, guestStartTimeout) + "/metrics"
	base := "http://" + g.waitStderr(listenLine, guestStartTimeout)
	if _, err := getNew(base + "/exit?code=3"); err != nil {
		t.Fatalf("GET /exit: %v\n%s", err, g.output())
	}
	g.waitStderr(regexp.MustCompile(`restarting in 100 ms`), 10*time.Second)
	time.Sleep(300 * time.Millisecond) // the restart is due after 100 ms
	_, text := getURL(t, metricsURL)
	restarts := sample(text, `wasinet_instance_restarts_total{guest="0"}`) +
		sample(text, `wasinet_instance_restarts_total{guest="1"}`)
	starts := sample(text, `wasinet_instance_starts_total{guest="0"}`) +
		sample(text, `wasinet_instance_starts_total{guest="1"}`)
	if restarts != 1 || starts != 3 {
		t.Errorf("restarts %v (want 1), starts %v (want 3)\n%s", restarts, starts, text)
	}
	g.cmd.Process.Signal(syscall.SIGINT)
	g.wait(20 * time.Second)
}
