package main

// The targets, judged from a run's results. They are reported as
// PASS or MISS and never fail the run.

import "fmt"

func (r *Results) httpPoint(server string, conns int) *HTTPPoint {
	for i := range r.HTTP {
		if r.HTTP[i].Server == server && r.HTTP[i].Conns == conns {
			return &r.HTTP[i]
		}
	}
	return nil
}

func (r *Results) idlePoint(server string) *IdlePoint {
	for i := range r.Idle {
		if r.Idle[i].Server == server {
			return &r.Idle[i]
		}
	}
	return nil
}

func (r *Results) bulkPoint(dir, runner string) *BulkPoint {
	for i := range r.Bulk {
		if r.Bulk[i].Direction == dir && r.Bulk[i].Runner == runner {
			return &r.Bulk[i]
		}
	}
	return nil
}

func (r *Results) startPoint(kind string) *StartPoint {
	for i := range r.Start {
		if r.Start[i].Kind == kind {
			return &r.Start[i]
		}
	}
	return nil
}

func (r *Results) connsPoint(server string, n int) *ConnsPoint {
	for i := range r.Conns {
		if r.Conns[i].Server == server && r.Conns[i].Conns == n {
			return &r.Conns[i]
		}
	}
	return nil
}

func (r *Results) computePoint(runner string) *ComputePoint {
	for i := range r.Compute {
		if r.Compute[i].Runner == runner {
			return &r.Compute[i]
		}
	}
	return nil
}

// judgeTargets lists every target with its figure; one not measured in
// this run is a MISS marked as such.
func judgeTargets(r *Results) []Target {
	var ts []Target
	add := func(name string, primary, measured, pass bool, figure string) {
		if !measured {
			figure, pass = "not measured in this run", false
		}
		ts = append(ts, Target{Name: name, Figure: figure, Pass: pass, Measured: measured, Primary: primary})
	}
	for _, c := range []int{50, 1, 256} {
		w, n := r.httpPoint(Wasinet, c), r.httpPoint(NativeGMP1, c)
		ok := w != nil && n != nil && n.ReqPerSec > 0
		name := "HTTP req/s ≥ 50% of native (GOMAXPROCS=1), " + connsText(c)
		if ok {
			ratio := w.ReqPerSec / n.ReqPerSec
			add(name, c == 50, true, ratio >= 0.5, fmt.Sprintf("%s vs %s req/s: %.0f%%", num(w.ReqPerSec),
				num(n.ReqPerSec), 100*ratio))
		} else {
			add(name, c == 50, false, false, "")
		}
	}
	for _, c := range []int{50, 1, 256} {
		w, n := r.httpPoint(Wasinet, c), r.httpPoint(NativeGMP1, c)
		ok := w != nil && n != nil && n.P99us > 0
		name := "HTTP p99 ≤ 2× native (GOMAXPROCS=1), " + connsText(c)
		if ok {
			ratio := w.P99us / n.P99us
			add(name, c == 50, true, ratio <= 2, fmt.Sprintf("%s vs %s: %.2f×", fmtUs(w.P99us), fmtUs(n.P99us), ratio))
		} else {
			add(name, c == 50, false, false, "")
		}
	}
	// Issue 18: an unmodified program built with `wasinet go build` is as
	// fast as the SDK's build of the same server.
	for _, c := range []int{50, 1, 256} {
		o, w := r.httpPoint(WasinetOverlay, c), r.httpPoint(Wasinet, c)
		name := "HTTP req/s of `wasinet go build` (unmodified net.Listen) ≥ 95% of the SDK build, " + connsText(c)
		if o != nil && w != nil && w.ReqPerSec > 0 {
			ratio := o.ReqPerSec / w.ReqPerSec
			add(name, c == 50, true, ratio >= 0.95, fmt.Sprintf("%s vs %s req/s: %.0f%%", num(o.ReqPerSec),
				num(w.ReqPerSec), 100*ratio))
		} else {
			add(name, c == 50, false, false, "")
		}
	}
	// Issue 22: counting costs next to nothing.
	if m, w := r.httpPoint(WasinetMetrics, MetricsConns), r.httpPoint(Wasinet, MetricsConns); m != nil && w != nil && w.ReqPerSec > 0 {
		ratio := m.ReqPerSec / w.ReqPerSec
		add("HTTP req/s with --metrics within 2% of without, "+connsText(MetricsConns), true, true, ratio >= 0.98,
			fmt.Sprintf("%s vs %s req/s: %.1f%%", num(m.ReqPerSec), num(w.ReqPerSec), 100*ratio))
	} else {
		add("HTTP req/s with --metrics within 2% of without, "+connsText(MetricsConns), true, false, false, "")
	}
	if w := r.idlePoint(Wasinet); w != nil {
		fig := fmt.Sprintf("%.2f%% over %.0f s", w.CPUPercent, w.Seconds)
		if n := r.idlePoint(NativeGMP1); n != nil {
			fig += fmt.Sprintf(" (native %.2f%%)", n.CPUPercent)
		}
		add("idle server CPU < 0.5% of a core", true, true, w.CPUPercent < 0.5, fig)
	} else {
		add("idle server CPU < 0.5% of a core", true, false, false, "")
	}
	if w := r.startPoint("warm"); w != nil {
		fig := fmt.Sprintf("median %.1f ms", w.MedianMs)
		if n := r.startPoint("native"); n != nil {
			fig += fmt.Sprintf(" (native %.1f ms)", n.MedianMs)
		}
		add("warm start ≤ 25 ms", true, true, w.MedianMs <= 25, fig)
	} else {
		add("warm start ≤ 25 ms", true, false, false, "")
	}
	for _, dir := range []string{GuestToHost, HostToGuest} {
		name := "bulk TCP ≥ 1 GB/s, " + arrow(dir)
		if w := r.bulkPoint(dir, Wasinet); w != nil {
			fig := num(w.MBps) + " MB/s"
			if n := r.bulkPoint(dir, "native"); n != nil {
				fig += " (native " + num(n.MBps) + " MB/s)"
			}
			add(name, true, true, w.MBps >= 1000, fig)
		} else {
			add(name, true, false, false, "")
		}
	}
	// The issue: the engine's settings must give at least V8's speed.
	name := "compute-only HTTP (no sockets): wasinet ≥ node's V8"
	if w, v := r.computePoint(Wasinet), r.computePoint(Node); w != nil && v != nil && v.ReqPerSec > 0 {
		fig := fmt.Sprintf("%s vs %s req/s: %.2f×", num(w.ReqPerSec), num(v.ReqPerSec), w.ReqPerSec/v.ReqPerSec)
		if n := r.computePoint("native"); n != nil && n.ReqPerSec > 0 {
			fig += fmt.Sprintf(" (native %s; wasinet %.0f%% of it)", num(n.ReqPerSec), 100*w.ReqPerSec/n.ReqPerSec)
		}
		add(name, true, true, w.ReqPerSec >= v.ReqPerSec, fig)
	} else {
		add(name, true, false, false, "")
	}
	name = "10,000 idle keep-alive connections held, all served"
	if w := r.connsPoint(Wasinet, 10000); w != nil {
		add(name, true, true, w.Held == 10000 && w.Served == w.Held,
			fmt.Sprintf("held %s, served %s, VmRSS %s", num(float64(w.Held)), num(float64(w.Served)), mib(w.Memory.RSSKiB)))
	} else {
		add(name, true, false, false, "")
	}
	return ts
}

func arrow(dir string) string {
	if dir == GuestToHost {
		return "guest→host"
	}
	return "host→guest"
}
