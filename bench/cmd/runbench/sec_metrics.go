package main

// `wasinet run --metrics` (issue 22): the hello server with the metrics
// counting and served, against the same server without, in the same run.

// MetricsConns is the connection count of the comparison.
const MetricsConns = 50

func (b *Bench) metricsRuns() error {
	for _, kind := range []string{Wasinet, WasinetMetrics, Wasinet, WasinetMetrics} {
		// Twice each, interleaved: the figure is a small difference, and the
		// machine's drift over a minute is as large. The better of each pair
		// is kept (serverRun appends; judgeTargets reads the first).
		if err := b.serverRun(kind, []int{MetricsConns}, false); err != nil {
			return err
		}
	}
	b.res.HTTP = keepBestOfEach(b.res.HTTP, []string{Wasinet, WasinetMetrics}, MetricsConns)
	return nil
}

// keepBestOfEach keeps, for each of `kinds` at `conns`, only the point with
// the most req/s (in the place of the first).
func keepBestOfEach(points []HTTPPoint, kinds []string, conns int) []HTTPPoint {
	var out []HTTPPoint
	best := map[string]int{}
	for _, p := range points {
		wanted := p.Conns == conns && (p.Server == kinds[0] || p.Server == kinds[1])
		if !wanted {
			out = append(out, p)
			continue
		}
		if i, ok := best[p.Server]; ok {
			if p.ReqPerSec > out[i].ReqPerSec {
				out[i] = p
			}
			continue
		}
		best[p.Server] = len(out)
		out = append(out, p)
	}
	return out
}
