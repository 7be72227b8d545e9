package e2e

import (
	"bytes"
	"context"
	"fmt"
	"hash/fnv"
	"math/rand"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The sleep guests measure themselves (wall >= 200 ms and < 1 s, CPU growth
// < 50 ms) and exit 1 when out of bounds: a host that spins in poll_oneoff
// fails here. Not parallel, so other guests do not compete for the CPU.
func TestSleepDoesNotSpin(t *testing.T) {
	forEachLang(t, func(t *testing.T, lang string) {
		g := guest(t, lang, "sleep")
		run(t, opts{}, "run", g) // warm the module cache: compiling is not part of the test
		r := run(t, opts{}, "run", g)
		expectCode(t, r, 0)
		var wall, cpu float64
		if _, err := fmt.Sscanf(r.stdout, "wall_ms=%g cpu_ms=%g\n", &wall, &cpu); err != nil {
			t.Fatalf("stdout %q: %v", r.stdout, err)
		}
		t.Logf("%s guest: wall %.1f ms, CPU %.1f ms (process: %v)", lang, wall, cpu, r.elapsed)
		// The guest checked its bounds; check from outside that it did sleep.
		if r.elapsed < 200*time.Millisecond {
			t.Errorf("the whole run took %v, less than the 200 ms sleep", r.elapsed)
		}
		if wall < 200 || cpu < 0 {
			t.Errorf("guest reported wall %.1f ms, CPU %.1f ms yet exited 0", wall, cpu)
		}
	})
}

// fnvLine is what the stdin guests print for data.
func fnvLine(data []byte) string {
	h := fnv.New64a()
	h.Write(data)
	return fmt.Sprintf("bytes=%d fnv1a64=%016x\n", len(data), h.Sum64())
}

// 1 MiB piped through stdin arrives whole and in order.
func TestStdinOneMiB(t *testing.T) {
	data := make([]byte, 1<<20)
	rand.New(rand.NewSource(42)).Read(data)
	forEachLang(t, func(t *testing.T, lang string) {
		t.Parallel()
		g := guest(t, lang, "stdin")
		r := run(t, opts{stdin: data}, "run", g)
		expectCode(t, r, 0)
		expectStdout(t, r, fnvLine(data))
		if r.stderr != "" {
			t.Errorf("stderr not empty: %q", r.stderr)
		}
	})
}

// Empty stdin (a closed pipe) and stdin from /dev/null: zero bytes, EOF.
func TestStdinEmpty(t *testing.T) {
	forEachLang(t, func(t *testing.T, lang string) {
		t.Parallel()
		g := guest(t, lang, "stdin")
		for _, in := range [][]byte{{}, nil} {
			r := run(t, opts{stdin: in}, "run", g)
			expectCode(t, r, 0)
			expectStdout(t, r, fnvLine(nil))
		}
	})
}

// A text with line structure (the checksum would not catch reordering of
// equal blocks in random data any better, but this one is readable when it
// fails).
func TestStdinText(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 20000; i++ {
		fmt.Fprintf(&b, "line %d\n", i)
	}
	data := []byte(b.String())
	forEachLang(t, func(t *testing.T, lang string) {
		t.Parallel()
		g := guest(t, lang, "stdin")
		r := run(t, opts{stdin: data}, "run", g)
		expectCode(t, r, 0)
		expectStdout(t, r, fnvLine(data))
	})
}

// Go sets NONBLOCK on stdio at start. That must stay a guest-visible flag:
// the host's stdin is shared with the parent (a shell, this test), and a
// real O_NONBLOCK would break the parent's own reads after the guest exits.
// The guest must still read everything, written slowly so it has to wait.
func TestStdinNonblockNeverReachesHostDescriptor(t *testing.T) {
	forEachLang(t, func(t *testing.T, lang string) {
		t.Parallel()
		g := guest(t, lang, "stdin")
		// A raw blocking pipe: os.Pipe would make the read end non-blocking
		// itself, hiding what we look for.
		var p [2]int
		if err := syscall.Pipe2(p[:], syscall.O_CLOEXEC); err != nil {
			t.Fatal(err)
		}
		pr, pw := os.NewFile(uintptr(p[0]), "stdin-r"), os.NewFile(uintptr(p[1]), "stdin-w")
		defer pr.Close()
		if flags, err := fcntlGetfl(pr.Fd()); err != nil || flags&syscall.O_NONBLOCK != 0 {
			t.Fatalf("test pipe not blocking to begin with: flags %#x, %v", flags, err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		cmd := wasinetCmd(ctx, t, opts{}, "run", g)
		var stdout, stderr bytes.Buffer
		cmd.Stdin, cmd.Stdout, cmd.Stderr = pr, &stdout, &stderr
		start := time.Now()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		data := []byte("slow\ninput\n")
		for _, b := range data {
			time.Sleep(20 * time.Millisecond)
			if _, err := pw.Write([]byte{b}); err != nil {
				t.Fatal(err)
			}
		}
		pw.Close()
		r := finish(t, cmd, &stdout, &stderr, start, cmd.Wait())
		expectCode(t, r, 0)
		expectStdout(t, r, fnvLine(data))
		flags, err := fcntlGetfl(pr.Fd())
		if err != nil {
			t.Fatal(err)
		}
		if flags&syscall.O_NONBLOCK != 0 {
			t.Errorf("the host's stdin was left O_NONBLOCK (flags %#x)", flags)
		}
	})
}

func fcntlGetfl(fd uintptr) (int, error) {
	r, _, e := syscall.Syscall(syscall.SYS_FCNTL, fd, syscall.F_GETFL, 0)
	if e != 0 {
		return 0, e
	}
	return int(r), nil
}
