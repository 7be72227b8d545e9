package main

// TCP bulk throughput between the program under test and a native peer
// (cmd/bulkpeer), which does the timing.

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

const (
	GuestToHost = "guest-to-host"
	HostToGuest = "host-to-guest"
)

func (b *Bench) bulkRuns() error {
	for _, dir := range []string{GuestToHost, HostToGuest} {
		for _, runner := range []string{"native", Wasinet} {
			p := BulkPoint{Direction: dir, Runner: runner, Bytes: b.set.BulkBytes}
			for i := 0; i < b.set.BulkRuns; i++ {
				mbps, err := b.bulkOnce(dir, runner)
				if err != nil {
					return err
				}
				p.Runs = append(p.Runs, mbps)
			}
			p.MBps = median(p.Runs)
			b.res.Bulk = append(b.res.Bulk, p)
			b.logf("bulk %-13s %-7s %8.0f MB/s (runs %s)", dir, runner, p.MBps, fmtList(p.Runs, "%.0f"))
		}
	}
	return nil
}

// bulkOnce moves BulkBytes once and returns the peer's MB/s.
func (b *Bench) bulkOnce(dir, runner string) (float64, error) {
	n := strconv.FormatInt(b.set.BulkBytes, 10)
	peerArgs, progArgs, progSays := []string{"recv"}, []string{"send"}, "sent "+n
	if dir == HostToGuest {
		peerArgs, progArgs, progSays = []string{"send", n}, []string{"recv"}, "received "+n
	}
	peer, err := Start(ProcSpec{Name: "bulkpeer", Argv: append([]string{b.prog.BulkPeer}, peerArgs...)})
	if err != nil {
		return 0, err
	}
	defer peer.Stop()
	line, err := peer.WaitLine("listening ", 10*time.Second)
	if err != nil {
		return 0, err
	}
	addr := strings.TrimPrefix(line, "listening ")
	progArgs = append(progArgs, addr)
	if dir == GuestToHost {
		progArgs = append(progArgs, n)
	}
	spec := ProcSpec{Name: "bulk (" + runner + ")"}
	if runner == Wasinet {
		spec.Argv = b.wasinetRun([]string{"--allow-net=" + addr}, 0, b.prog.Bulk.Wasm, progArgs...)
	} else {
		spec.Argv = append([]string{b.prog.Bulk.Native}, progArgs...)
		spec.Env = []string{"GOMAXPROCS=1"}
	}
	prog, err := Start(spec)
	if err != nil {
		return 0, err
	}
	defer prog.Stop()
	// Generous: 10 MB/s would be a broken run, not a slow one; plus a compile.
	timeout := time.Duration(b.set.BulkBytes/10e6)*time.Second + 3*time.Minute
	if err := prog.Wait(timeout); err != nil {
		return 0, err
	}
	if err := peer.Wait(30 * time.Second); err != nil {
		return 0, err
	}
	if !contains(prog.Lines(), progSays) {
		return 0, fmt.Errorf("%s printed %q, want %q", prog.Name, prog.Lines(), progSays)
	}
	var bytes int64
	var secs, mbps float64
	for _, l := range peer.Lines() {
		if _, err := fmt.Sscanf(l, "bytes %d seconds %g MB/s %g", &bytes, &secs, &mbps); err == nil {
			if bytes != b.set.BulkBytes {
				return 0, fmt.Errorf("bulkpeer moved %d bytes, want %d", bytes, b.set.BulkBytes)
			}
			return mbps, nil
		}
	}
	return 0, fmt.Errorf("bulkpeer printed no figure: %q", peer.Lines())
}

func contains(lines []string, want string) bool {
	for _, l := range lines {
		if l == want {
			return true
		}
	}
	return false
}
