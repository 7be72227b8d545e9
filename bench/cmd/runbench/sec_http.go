package main

// HTTP servers under wrk, and their idle CPU and memory.

import (
	"fmt"
	"time"
)

// serverRun measures one server: first idle (CPU over the idle period,
// memory), if idle is set, then wrk at each connection count, each after
// a warm-up run at the same count.
func (b *Bench) serverRun(kind string, conns []int, idle bool) error {
	s, err := b.startServer(kind, 0)
	if err != nil {
		return err
	}
	defer s.Stop()
	if idle {
		p, err := b.measureIdle(s)
		if err != nil {
			return err
		}
		b.res.Idle = append(b.res.Idle, p)
		b.logf("idle %-20s %.2f%% of a core over %.0f s, VmRSS %d KiB, VmHWM %d KiB", kind, p.CPUPercent,
			p.Seconds, p.Memory.RSSKiB, p.Memory.HWMKiB)
	}
	for _, c := range conns {
		if _, err := runWrk(b.cfg.Wrk, b.set.WrkThreads, s.URL(), c, b.set.WarmUp()); err != nil {
			return fmt.Errorf("warm-up: %w", err)
		}
		r, err := runWrk(b.cfg.Wrk, b.set.WrkThreads, s.URL(), c, b.set.Measure())
		if err != nil {
			return err
		}
		if err := s.alive(); err != nil {
			return err
		}
		b.res.HTTP = append(b.res.HTTP, HTTPPoint{Server: kind, Conns: c, WrkResult: r})
		b.logf("http %-20s c=%-4d %9.0f req/s  p50 %s  p99 %s  errors %d non-2xx %d", kind, c, r.ReqPerSec,
			fmtUs(r.P50us), fmtUs(r.P99us), r.SocketErrors, r.Non2xx)
	}
	return nil
}

// measureIdle lets a freshly started server settle, then reads the CPU it
// uses over the idle period while nothing talks to it.
func (b *Bench) measureIdle(s *Server) (IdlePoint, error) {
	time.Sleep(time.Second)
	c0, err := cpuSeconds(s.Pid())
	if err != nil {
		return IdlePoint{}, err
	}
	t0 := time.Now()
	time.Sleep(b.set.Idle())
	c1, err := cpuSeconds(s.Pid())
	if err != nil {
		return IdlePoint{}, err
	}
	secs := time.Since(t0).Seconds()
	mem, err := memoryOf(s.Pid())
	if err != nil {
		return IdlePoint{}, err
	}
	return IdlePoint{Server: s.Kind, Seconds: secs, CPUSeconds: c1 - c0, CPUPercent: 100 * (c1 - c0) / secs,
		Memory: mem}, nil
}

// alive fails if the server has exited (crashed under load).
func (s *Server) alive() error {
	select {
	case <-s.done:
		return fmt.Errorf("%s exited during the run: %v%s", s.Name, s.err, s.stderrNote())
	default:
		return nil
	}
}

func fmtUs(us float64) string {
	switch {
	case us >= 1e6:
		return fmt.Sprintf("%.2f s", us/1e6)
	case us >= 1e3:
		return fmt.Sprintf("%.2f ms", us/1e3)
	default:
		return fmt.Sprintf("%.0f µs", us)
	}
}
