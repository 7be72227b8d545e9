package e2e

// Unmodified net/http servers built with `wasinet go build`, for each
// supported Go release: net.Listen + http.Serve and http.ListenAndServe
// answer curl and a native Go client; a server handed a --listen socket
// gets a true *net.TCPListener; 10,000 requests through a keep-alive pool
// leave no host fd behind; an idle server uses no CPU.

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// httpServeAddr waits for httpserve's "listening http://ADDR (TYPE)" line.
func httpServeAddr(t *testing.T, g *guestProc) string {
	t.Helper()
	line := g.waitLine("listening ", guestStartTimeout)
	f := strings.Fields(line)
	if len(f) != 3 || f[2] != "(*net.TCPAddr)" {
		t.Fatalf("httpserve printed %q, want \"listening http://ADDR (*net.TCPAddr)\"", line)
	}
	return strings.TrimPrefix(f[1], "http://")
}

func TestOverlayHTTPServeAnswersCurl(t *testing.T) {
	forEachRelease(t, func(t *testing.T, r goRelease) {
		w := overlayGuest(t, r, "./guests/httpserve")
		for _, lo := range loopbacks {
			t.Run(lo.name, func(t *testing.T) {
				g := startGuest(t, opts{}, "run", "--allow-listen=loopback", w, "-addr", lo.anyPort)
				addr := httpServeAddr(t, g)
				host, _, _ := net.SplitHostPort(addr)
				if host != lo.host {
					t.Fatalf("listening on %s, want host %s", addr, lo.host)
				}
				body := curl(t, nil, "http://"+addr+"/")
				if !strings.HasPrefix(body, "hello from net/http; you are ") || !strings.Contains(body, lo.host) {
					t.Fatalf("curl got %q", body)
				}
				data := pattern(1 << 20)
				client := &http.Client{Timeout: peerTimeout}
				resp, err := client.Post("http://"+addr+"/echo", "application/octet-stream", bytes.NewReader(data))
				if err != nil {
					t.Fatalf("POST /echo: %v\n%s", err, g.output())
				}
				got, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil || sum(got) != sum(data) {
					t.Fatalf("POST /echo: %v, %d bytes back of %d", err, len(got), len(data))
				}
			})
		}
	})
}

// freePort is a port on 127.0.0.1 nothing listens on (just closed).
func freePort(t *testing.T) int {
	t.Helper()
	// Below the kernel's ephemeral range (32768 and up by default): a port
	// the kernel just handed out and took back may be handed out again, as
	// the local port of any outgoing connection on the machine (other
	// tests run beside this one), before the guest binds it.
	for i := 0; i < 100; i++ {
		port := 20000 + rand.IntN(12000)
		if l, err := net.Listen("tcp4", fmt.Sprintf("0.0.0.0:%d", port)); err == nil {
			l.Close()
			return port
		}
	}
	t.Fatal("no free port between 20000 and 32000")
	return 0
}

// http.ListenAndServe on an address the test picks, granted exactly.
func TestOverlayHTTPListenAndServe(t *testing.T) {
	forEachRelease(t, func(t *testing.T, r goRelease) {
		w := overlayGuest(t, r, "./guests/listenandserve")
		addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
		g := startGuest(t, opts{}, "run", "--allow-listen="+addr, w, addr)
		deadline := time.Now().Add(guestStartTimeout)
		for {
			resp, err := http.Get("http://" + addr + "/")
			if err == nil {
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if !strings.HasPrefix(string(body), "ListenAndServe says hi to 127.0.0.1:") {
					t.Fatalf("got %q", body)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("nothing answers on %s: %v\n%s", addr, err, g.output())
			}
			select {
			case <-g.exited:
				t.Fatalf("the server exited\n%s", g.res)
			case <-time.After(50 * time.Millisecond):
			}
		}
		if s := g.stderr.String(); s != "" {
			t.Errorf("stderr: %q", s)
		}
	})
}

// net.FileListener on a `wasinet run --listen` socket is a real
// *net.TCPListener with the true address (Go's fake network reports an
// empty one), or a *net.UnixListener; it serves, and closes.
func TestOverlayFileListener(t *testing.T) {
	forEachRelease(t, func(t *testing.T, r goRelease) {
		w := overlayGuest(t, r, "./guests/filelisten")
		t.Run("tcp", func(t *testing.T) {
			g := startGuest(t, opts{}, "run", "--listen", "tcp://127.0.0.1:0", w)
			url, _ := g.hostListening()
			addr := strings.TrimPrefix(url, "tcp://")
			if want := "listener *net.TCPListener tcp " + addr; g.waitLine("listener ", guestStartTimeout) != want {
				t.Fatalf("want %q\n%s", want, g.output())
			}
			if body := curl(t, nil, "http://"+addr+"/"); !strings.HasPrefix(body, "served on "+addr+" for 127.0.0.1:") {
				t.Fatalf("curl got %q", body)
			}
			curl(t, nil, "http://"+addr+"/close")
			expectClosed(t, g)
		})
		t.Run("unix", func(t *testing.T) {
			sock := filepath.Join(shortTempDir(t), "app.sock")
			g := startGuest(t, opts{}, "run", "--listen", "unix://"+sock, w)
			// The host opened it: the guest has no path for it.
			if want := "listener *net.UnixListener unix "; g.waitLine("listener ", guestStartTimeout) != want {
				t.Fatalf("want %q\n%s", want, g.output())
			}
			if body := curl(t, []string{"--unix-socket", sock}, "http://guest/"); !strings.HasPrefix(body, "served on  for ") {
				t.Fatalf("curl got %q", body)
			}
			curl(t, []string{"--unix-socket", sock}, "http://guest/close")
			expectClosed(t, g)
		})
	})
}

// expectClosed checks that filelisten closed its listener cleanly and
// that Serve then returned.
func expectClosed(t *testing.T, g *guestProc) {
	t.Helper()
	res := g.wait(peerTimeout)
	if res.code != 0 || !strings.Contains(res.stdout, "close: <nil>\nserve: ") {
		t.Fatalf("after /close\n%s", res)
	}
}

// 10,000 requests from 16 native clients through a keep-alive pool: all
// answered, and once the pool closes its conns the wasinet process holds
// the fds it held before.
func TestOverlayKeepAlivePoolLeaksNoFds(t *testing.T) {
	w := overlayGuest(t, goReleases[0], "./guests/httpserve")
	g := startGuest(t, opts{}, "run", "--allow-listen=loopback", w)
	addr := httpServeAddr(t, g)
	pid := g.cmd.Process.Pid
	before := procFDs(t, pid)

	const clients, requests = 16, 10000
	tr := &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}
	client := &http.Client{Transport: tr, Timeout: peerTimeout}
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < requests/clients; i++ {
				resp, err := client.Get("http://" + addr + "/")
				if err != nil {
					errs <- err
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					errs <- fmt.Errorf("status %d", resp.StatusCode)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("request: %v\n%s", err, g.output())
	}
	during := len(procFDs(t, pid))
	tr.CloseIdleConnections()
	deadline := time.Now().Add(peerTimeout)
	for {
		after := procFDs(t, pid)
		if len(after) == len(before) {
			t.Logf("%d requests; fds: %d before, %d with the pool open, %d after", requests, len(before), during, len(after))
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("fds before: %d\n%s\nafter: %d\n%s", len(before), strings.Join(before, "\n"), len(after), strings.Join(after, "\n"))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// An idle server waits in the kernel: over two seconds it uses almost no
// CPU (a spinning one would use two seconds).
func TestOverlayIdleServerUsesNoCPU(t *testing.T) {
	w := overlayGuest(t, goReleases[0], "./guests/httpserve")
	g := startGuest(t, opts{}, "run", "--allow-listen=loopback", w)
	addr := httpServeAddr(t, g)
	curl(t, nil, "http://"+addr+"/") // warm: the first request's work is not idle time
	time.Sleep(200 * time.Millisecond)
	pid := g.cmd.Process.Pid
	start := procCPU(t, pid)
	time.Sleep(2 * time.Second)
	used := procCPU(t, pid) - start
	if used > 200*time.Millisecond {
		t.Fatalf("an idle server used %v of CPU in 2s", used)
	}
	t.Logf("idle for 2s: %v of CPU", used)
}
