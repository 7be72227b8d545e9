package shim

// Native containers through the shim. A pod's sandbox (pause) container is
// native even when the pod's runtime class is wasinet, and the shim runs it
// as runc would (containerd-shim-wasm hands any ELF entrypoint to youki's
// default executor). These run today, whatever the C API can do, and show
// the lifecycle the wasm tests (pods_lifecycle_test.go) will share: a task
// seen RUNNING, `ctr task kill`, the exit status back to ctr, and nothing
// left behind.

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

var pauseBinary struct {
	once sync.Once
	data []byte
	err  error
}

// pauseImage: testdata/pause, built here as a static binary, at /pause.
func pauseImage(t *testing.T) image {
	t.Helper()
	pauseBinary.once.Do(func() {
		out := filepath.Join(workDir, "pause")
		cmd := exec.Command(lookEnv("GO", "go"), "build", "-trimpath", "-ldflags=-s -w", "-o", out, "./testdata/pause")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64")
		if msg, err := cmd.CombinedOutput(); err != nil {
			pauseBinary.err = &buildError{err, string(msg)}
			return
		}
		pauseBinary.data, pauseBinary.err = os.ReadFile(out)
	})
	if pauseBinary.err != nil {
		t.Fatal(pauseBinary.err)
	}
	return image{
		name:       "pause",
		files:      map[string][]byte{"pause": pauseBinary.data},
		entrypoint: []string{"/pause"},
	}
}

type buildError struct {
	err error
	out string
}

func (e *buildError) Error() string {
	return "go build testdata/pause: " + e.err.Error() + "\n" + e.out
}

func TestNativeContainerStopsOnSIGTERM(t *testing.T) {
	c := startContainer(t, node{cacheDir: "none"}, pauseImage(t), "pause: ready", nil)
	start := time.Now()
	c.kill(t, "SIGTERM")
	r := c.wait(t, 5*time.Second)
	t.Logf("stopped %v after SIGTERM: %s", time.Since(start).Round(time.Millisecond), r)
	if r.code != 0 || !strings.Contains(r.stdout, "pause: ready") || !strings.Contains(r.stdout, "pause: terminated") {
		t.Fatalf("want exit 0 with `pause: ready` and `pause: terminated`: %s", r)
	}
	if status, err := taskStatus(c.id); err != nil || status != "" {
		t.Fatalf("the task is still listed (%q, %v) after ctr run --rm returned", status, err)
	}
}

func TestNativeContainerSIGKILL(t *testing.T) {
	c := startContainer(t, node{cacheDir: "none"}, pauseImage(t), "pause: ready", nil)
	c.kill(t, "SIGKILL")
	if r := c.wait(t, 5*time.Second); r.code != 137 {
		t.Fatalf("want exit 137 (SIGKILL): %s", r)
	}
}

// 20 start/stop cycles leave no process, mount, socket, state or cgroup.
func TestNativeStartStopCyclesLeaveNothing(t *testing.T) {
	im := pauseImage(t)
	for i := 0; i < 20; i++ {
		c := startContainer(t, node{cacheDir: "none"}, im, "pause: ready", nil)
		if i == 0 {
			// The check below must see a live container, or it proves nothing.
			if found := ctd.leftovers(); len(found) == 0 {
				t.Fatal("leftovers() finds nothing of a running container")
			} else {
				t.Logf("a running container, as leftovers() sees it:\n  %s", strings.Join(found, "\n  "))
			}
		}
		c.kill(t, "SIGTERM")
		if r := c.wait(t, 5*time.Second); r.code != 0 {
			t.Fatalf("cycle %d: %s", i+1, r)
		}
	}
	if found := ctd.settledLeftovers(); len(found) > 0 {
		t.Fatalf("10 s after 20 cycles:\n  %s", strings.Join(found, "\n  "))
	}
}
