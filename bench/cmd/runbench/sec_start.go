package main

// Start time of hello_cli (prints "hello", exits): under wasinet with an
// empty module cache (cold), with the cache filled (warm), and natively.

import (
	"fmt"
	"os"
	"path/filepath"
	"time"
)

func (b *Bench) startRuns() error {
	cold := StartPoint{Kind: "cold"}
	for i := 0; i < b.set.StartCold; i++ {
		dir, err := os.MkdirTemp(b.cfg.Work, "cold-cache-")
		if err != nil {
			return err
		}
		ms, err := b.timeRun(b.wasinetStartArgv(dir))
		os.RemoveAll(dir)
		if err != nil {
			return err
		}
		cold.RunsMs = append(cold.RunsMs, ms)
	}
	warmCache := filepath.Join(b.cfg.Work, "warm-cache")
	os.RemoveAll(warmCache)
	if _, err := b.timeRun(b.wasinetStartArgv(warmCache)); err != nil { // fills the cache
		return err
	}
	warm := StartPoint{Kind: "warm"}
	native := StartPoint{Kind: "native"}
	// Interleaved, so a burst of load elsewhere hits both alike.
	for i := 0; i < b.set.StartWarm; i++ {
		ms, err := b.timeRun(b.wasinetStartArgv(warmCache))
		if err != nil {
			return err
		}
		warm.RunsMs = append(warm.RunsMs, ms)
		if ms, err = b.timeRun([]string{b.prog.HelloCLI.Native}); err != nil {
			return err
		}
		native.RunsMs = append(native.RunsMs, ms)
	}
	for _, p := range []*StartPoint{&cold, &warm, &native} {
		p.MedianMs = median(p.RunsMs)
		b.res.Start = append(b.res.Start, *p)
		b.logf("start %-6s median %8.1f ms (runs %s)", p.Kind, p.MedianMs, fmtList(p.RunsMs, "%.1f"))
	}
	return nil
}

func (b *Bench) wasinetStartArgv(cacheDir string) []string {
	return []string{b.cfg.Wasinet, "run", "--cache-dir", cacheDir, b.prog.HelloCLI.Wasm}
}

// timeRun runs argv to its exit and returns the wall time in ms; it must
// print "hello".
func (b *Bench) timeRun(argv []string) (float64, error) {
	p, err := Start(ProcSpec{Name: "hello_cli", Argv: argv})
	if err != nil {
		return 0, err
	}
	if err := p.Wait(5 * time.Minute); err != nil {
		return 0, err
	}
	if !contains(p.Lines(), "hello") {
		return 0, fmt.Errorf("%v printed %q, want hello", argv, p.Lines())
	}
	return float64(p.Wall().Microseconds()) / 1e3, nil
}
