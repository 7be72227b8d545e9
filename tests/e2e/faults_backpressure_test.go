package e2e

// A slow peer gets backpressure, not a host that buffers for it: a guest
// streaming 256 MiB to a native reader that reads slowly waits in its
// writes, and a native writer streaming 256 MiB to a guest that reads
// slowly waits in its own; meanwhile the wasinet process's resident memory
// (VmRSS) stays within 64 MiB of what it was when the stream started. A
// host that read ahead or queued the writes would grow by the stream.

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const (
	streamSize = 256 << 20
	// The slow phase: long enough for a buffering host to show, short
	// enough for the suite.
	slowPhase = 3 * time.Second
	rssBound  = 64 << 20
)

// rssBytes is process pid's resident set size, from /proc/PID/status.
func rssBytes(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("/proc/%d/status has no VmRSS", pid)
}

// rssSampler samples a process's RSS every 50 ms until stopped.
type rssSampler struct {
	mu      sync.Mutex
	max     int64
	samples int
	stop    chan struct{}
	done    chan struct{}
}

func sampleRSS(pid int) *rssSampler {
	s := &rssSampler{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			if v, err := rssBytes(pid); err == nil {
				s.mu.Lock()
				s.max = max(s.max, v)
				s.samples++
				s.mu.Unlock()
			}
			select {
			case <-s.stop:
				return
			case <-tick.C:
			}
		}
	}()
	return s
}

// peak stops the sampler and returns the largest sample and their count.
func (s *rssSampler) peak() (int64, int) {
	close(s.stop)
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.max, s.samples
}

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

// checkPattern reads the pattern stream from r to EOF and returns its
// length, or an error at the first wrong byte.
func checkPattern(r io.Reader, offset int64) (int64, error) {
	buf := make([]byte, 64<<10)
	n := offset
	for {
		k, err := r.Read(buf)
		for i, b := range buf[:k] {
			if b != byte((n+int64(i))%251) {
				return n + int64(i), fmt.Errorf("byte %d is %d, want %d", n+int64(i), b, (n+int64(i))%251)
			}
		}
		n += int64(k)
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}

// Guest → native, the native side reading 64 KiB every 25 ms for the slow
// phase, then as fast as it can.
func TestFaultBackpressureSlowNativeReader(t *testing.T) {
	g := guest(t, "go", "fault_net")
	l := listenNative(t, "tcp4", "127.0.0.1:0")
	conns := acceptAsync(t, l, 1)
	p := startGuest(t, opts{}, "run", "--allow-net=loopback", g, "flood", "tcp4", l.Addr().String(), strconv.Itoa(streamSize))
	c := acceptOne(t, conns, p)
	c.SetDeadline(time.Now().Add(3 * time.Minute))
	in := bufio.NewReaderSize(c, 64<<10)
	buf := make([]byte, 64<<10)
	if _, err := io.ReadFull(in, buf); err != nil {
		t.Fatalf("first read: %v\n%s", err, p.output())
	}
	pid := p.cmd.Process.Pid
	base, err := rssBytes(pid)
	if err != nil {
		t.Fatal(err)
	}
	s := sampleRSS(pid)
	got := int64(len(buf))
	for end := time.Now().Add(slowPhase); time.Now().Before(end); {
		n, err := io.ReadFull(in, buf)
		got += int64(n)
		if err != nil {
			t.Fatalf("slow read after %d bytes: %v\n%s", got, err, p.output())
		}
		time.Sleep(25 * time.Millisecond)
	}
	slowMax, _ := s.peak()
	// Backpressure: the guest cannot have finished while the reader lagged.
	select {
	case <-p.exited:
		t.Fatalf("the guest finished its %d MiB while the native side had read %d bytes: its writes were buffered\n%s",
			streamSize>>20, got, p.output())
	default:
	}
	s = sampleRSS(pid)
	total, err := checkPattern(in, got)
	fastMax, samples := s.peak()
	if err != nil {
		t.Fatalf("native read: %v\n%s", err, p.output())
	}
	if total != streamSize {
		t.Fatalf("native side read %d bytes, want %d", total, streamSize)
	}
	r := p.wait(peerTimeout)
	expectCode(t, r, 0)
	lineMatching(t, r, fmt.Sprintf("flood wrote=%d ", streamSize))
	t.Logf("guest→slow native reader: %s read during the %v slow phase; wasinet RSS at start %s, max while slow %s (+%s), max while fast %s (+%s); %d samples",
		mib(got), slowPhase, mib(base), mib(slowMax), mib(slowMax-base), mib(fastMax), mib(fastMax-base), samples)
	if slowMax > base+rssBound || fastMax > base+rssBound {
		t.Errorf("wasinet's RSS grew from %s to %s (slow) / %s (fast) during a %d MiB stream, want at most +%s",
			mib(base), mib(slowMax), mib(fastMax), streamSize>>20, mib(rssBound))
	}
}

// Native → guest, the guest reading 16 KiB every 20 ms for the slow phase
// (and checking every byte), then as fast as it can; the native side
// writes as fast as the socket takes it.
func TestFaultBackpressureSlowGuestReader(t *testing.T) {
	g := guest(t, "go", "fault_net")
	l := listenNative(t, "tcp4", "127.0.0.1:0")
	conns := acceptAsync(t, l, 1)
	p := startGuest(t, opts{}, "run", "--allow-net=loopback", g, "slowread", "tcp4", l.Addr().String(),
		strconv.Itoa(streamSize), strconv.Itoa(int(slowPhase/time.Millisecond)))
	c := acceptOne(t, conns, p)
	c.SetDeadline(time.Now().Add(3 * time.Minute))
	pid := p.cmd.Process.Pid
	base, err := rssBytes(pid)
	if err != nil {
		t.Fatal(err)
	}
	var written atomic.Int64
	werr := make(chan error, 1)
	go func() {
		block := pattern(251 * 1024)
		for left := streamSize; left > 0; {
			b := block
			if left < len(b) {
				b = b[:left]
			}
			n, err := c.Write(b)
			written.Add(int64(n))
			left -= n
			if err != nil {
				werr <- err
				return
			}
		}
		werr <- closeWrite(c)
	}()
	s := sampleRSS(pid)
	time.Sleep(slowPhase * 2 / 3) // well inside the guest's slow phase
	slowWritten := written.Load()
	slowMax, _ := s.peak()
	s = sampleRSS(pid)
	if err := <-werr; err != nil {
		t.Fatalf("native write after %d bytes: %v\n%s", written.Load(), err, p.output())
	}
	r := p.wait(2 * time.Minute)
	fastMax, samples := s.peak()
	expectCode(t, r, 0)
	lineMatching(t, r, fmt.Sprintf("slowread got=%d ", streamSize))
	t.Logf("native→slow guest reader: the native side had written %s after %v of the slow phase; wasinet RSS at start %s, max while slow %s (+%s), max after %s (+%s); %d samples",
		mib(slowWritten), slowPhase*2/3, mib(base), mib(slowMax), mib(slowMax-base), mib(fastMax), mib(fastMax-base), samples)
	// The guest read at most ~0.8 MiB/s: what the writer got rid of beyond
	// that sits in the kernel's socket buffers (a few MiB), not in the host.
	if slowWritten > 32<<20 {
		t.Errorf("the native writer sent %s while the guest read slowly: something reads ahead for the guest", mib(slowWritten))
	}
	if slowMax > base+rssBound || fastMax > base+rssBound {
		t.Errorf("wasinet's RSS grew from %s to %s (slow) / %s (after) during a %d MiB stream, want at most +%s",
			mib(base), mib(slowMax), mib(fastMax), streamSize>>20, mib(rssBound))
	}
}
