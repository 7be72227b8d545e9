package main

// The compute-only figure: compute_http natively, under wasinet and under
// node's V8, each run interleaved with the others.

import (
	"fmt"
	"path/filepath"
	"time"
)

func (b *Bench) computeRuns() error {
	args := []string{"-warmup", b.set.ComputeWarmUp().String(), "-duration", b.set.ComputeTime().String()}
	runners := []struct {
		name string
		argv []string
	}{
		{"native", append([]string{b.prog.Compute.Native}, args...)},
		{Wasinet, b.wasinetRun(nil, 0, b.prog.Compute.Wasm, args...)},
		{Node, append([]string{b.cfg.Node, "--no-warnings", filepath.Join(b.cfg.Root, "bench", "node", "run_wasi.mjs"),
			b.prog.Compute.Wasm}, args...)},
	}
	points := make([]ComputePoint, len(runners))
	for i := 0; i < b.set.ComputeRuns; i++ {
		for j, r := range runners {
			points[j].Runner = r.name
			rps, err := b.computeOnce(r.name, r.argv)
			if err != nil {
				return err
			}
			points[j].Runs = append(points[j].Runs, rps)
		}
	}
	for _, p := range points {
		p.ReqPerSec = median(p.Runs)
		b.res.Compute = append(b.res.Compute, p)
		b.logf("compute %-8s %9.0f req/s (runs %s)", p.Runner, p.ReqPerSec, fmtList(p.Runs, "%.0f"))
	}
	return nil
}

func (b *Bench) computeOnce(name string, argv []string) (float64, error) {
	spec := ProcSpec{Name: "compute_http (" + name + ")", Argv: argv}
	if name == "native" {
		spec.Env = []string{"GOMAXPROCS=1"} // as the guest: one thread of Go code
	}
	p, err := Start(spec)
	if err != nil {
		return 0, err
	}
	if err := p.Wait(b.set.ComputeWarmUp() + b.set.ComputeTime() + 3*time.Minute); err != nil {
		return 0, err
	}
	for _, l := range p.Lines() {
		var n int64
		var secs, rps float64
		if _, err := fmt.Sscanf(l, "requests %d seconds %g req/s %g", &n, &secs, &rps); err == nil {
			return rps, nil
		}
	}
	return 0, fmt.Errorf("%s printed no figure: %q", spec.Name, p.Lines())
}
