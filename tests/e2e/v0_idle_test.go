package e2e

import (
	"io"
	"net/http"
	"testing"
	"time"
)

// A server built against the existing wasinet_v0 library retries
// sock_accept and sock_recv_from in a loop instead of waiting. The host's
// retry guard recognises the loop and lets the guest sleep in the kernel:
// idle, it costs next to nothing, and it still answers at once. With the
// guard switched off the same guest spins (the measurement can fail).
func TestV0IdleServerSleepsInTheHost(t *testing.T) {
	gw := guest(t, "go", "v0_http")
	idleCPU := func(env []string) float64 {
		g := startGuest(t, opts{env: env}, "run", "--allow-listen=loopback", gw, "server", "127.0.0.1:0")
		base := "http://" + g.listening()
		get := func() {
			client := &http.Client{Timeout: peerTimeout}
			resp, err := client.Get(base + "/hello")
			if err != nil {
				t.Fatalf("GET /hello: %v\n%s", err, g.output())
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if string(body) != "hello from the guest\n" {
				t.Fatalf("GET /hello: %q", body)
			}
		}
		get() // one kept-alive connection stays open, its reader retrying too
		time.Sleep(500 * time.Millisecond)
		pid := g.cmd.Process.Pid
		cpu0, t0 := procCPU(t, pid), time.Now()
		time.Sleep(3 * time.Second)
		share := float64(procCPU(t, pid)-cpu0) / float64(time.Since(t0))
		start := time.Now()
		get()
		t.Logf("env %v: idle CPU %.1f%% of a core over 3 s; next request answered in %v",
			env, 100*share, time.Since(start))
		return share
	}
	if on := idleCPU(nil); on > 0.10 {
		t.Errorf("idle guest with the retry guard used %.1f%% of a core, want < 10%% (about 0%% expected)", 100*on)
	}
	if off := idleCPU([]string{"WASINET_RETRY_GUARD=off"}); off < 0.15 {
		t.Errorf("without the guard the guest used only %.1f%% of a core: the measurement cannot see spinning", 100*off)
	}
}
