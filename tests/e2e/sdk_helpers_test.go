package e2e

// Helpers for the Go SDK tests (sdk_*_test.go, guests tests/guests/go/sdk_*):
// the network grants, the native half of the stream transfer, and what the
// tests read from /proc about the wasinet process.

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The narrowest grants each kind of test needs; the network is denied by
// default.
var (
	grantLoopback = []string{"--allow-net=loopback", "--allow-listen=loopback"}
	grantDNS      = []string{"--allow-dns"}
)

func grantUnix(hostDir string) []string { return []string{"--allow-unix=" + hostDir} }

// sdkArgs is `run GRANTS... GUEST ARGS...`.
func sdkArgs(grants []string, guestPath string, args ...string) []string {
	out := append([]string{"run"}, grants...)
	out = append(out, guestPath)
	return append(out, args...)
}

func concat(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// nativeTransfer is the native half of the guest's transfer
// (sdk_net/stream.go): send size pattern bytes and check the guest's
// checksum line, then read the guest's size bytes to EOF, check them and
// answer with their checksum, and close.
func nativeTransfer(c net.Conn, size int) error {
	defer c.Close()
	data := pattern(size)
	want := sum(data)
	if _, err := c.Write(data); err != nil {
		return fmt.Errorf("native send: %w", err)
	}
	in := bufio.NewReader(c)
	line, err := in.ReadString('\n')
	if err != nil {
		return fmt.Errorf("native: read the guest's checksum: %q: %w", line, err)
	}
	if line != want+"\n" {
		return fmt.Errorf("the guest's checksum of %d bytes is %q, want %s", size, line, want)
	}
	h := sha256.New()
	n, err := io.Copy(h, in)
	if err != nil {
		return fmt.Errorf("native receive after %d bytes: %w", n, err)
	}
	got := hex.EncodeToString(h.Sum(nil))
	if _, err := io.WriteString(c, got+"\n"); err != nil {
		return fmt.Errorf("native: send the checksum: %w", err)
	}
	if n != int64(size) || got != want {
		return fmt.Errorf("native side received %d bytes with sha256 %s, want %d with %s", n, got, size, want)
	}
	return nil
}

// procFDs lists the open descriptors of process pid as "N -> target".
func procFDs(t *testing.T, pid int) []string {
	t.Helper()
	dir := fmt.Sprintf("/proc/%d/fd", pid)
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("list %s: %v", dir, err)
	}
	var out []string
	for _, e := range ents {
		target, _ := os.Readlink(filepath.Join(dir, e.Name()))
		out = append(out, e.Name()+" -> "+target)
	}
	sort.Strings(out)
	return out
}

// clockTicks is USER_HZ, the unit of /proc/PID/stat times: 100 on every
// Linux architecture.
const clockTicks = 100

// procCPU is the user plus system CPU time process pid has used (all of
// its threads), from /proc/PID/stat.
func procCPU(t *testing.T, pid int) time.Duration {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Fatalf("read /proc/%d/stat: %v", pid, err)
	}
	// The command name is in parentheses and may hold spaces: fields are
	// counted after the last ')'. utime and stime are fields 14 and 15.
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		t.Fatalf("/proc/%d/stat: too few fields: %q", pid, s)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		t.Fatalf("/proc/%d/stat: utime %q stime %q", pid, f[11], f[12])
	}
	return time.Duration(utime+stime) * time.Second / clockTicks
}

// lineMatching returns the one stdout line starting with prefix.
func lineMatching(t *testing.T, r result, prefix string) string {
	t.Helper()
	var found []string
	for _, l := range lines(r.stdout) {
		if strings.HasPrefix(l, prefix) {
			found = append(found, l)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d stdout lines start with %q, want 1\n%s", len(found), prefix, r)
	}
	return found[0]
}

// floatField parses the value of "key=value" in a line as a number.
func floatField(t *testing.T, line, key string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(field(t, line, key), 64)
	if err != nil {
		t.Fatalf("%s= in %q: %v", key, line, err)
	}
	return v
}
