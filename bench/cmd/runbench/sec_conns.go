package main

// Memory of a server holding many idle keep-alive connections, and
// whether it still serves every one of them (cmd/idleconns is the client).

import (
	"fmt"
	"time"
)

func (b *Bench) connsRuns() error {
	if !b.hasRunFlag("--max-fds") {
		b.note("`wasinet run` has no --max-fds here: the guest held connections within wasinet's default fd limit")
	}
	if max := b.set.IdleConns[len(b.set.IdleConns)-1]; hardFdLimit() > 0 && hardFdLimit() < max+512 {
		b.note(fmt.Sprintf("the hard fd limit (ulimit -Hn) is %d: too low for %d connections and their clients",
			hardFdLimit(), max))
	}
	for _, n := range b.set.IdleConns {
		for _, kind := range []string{NativeGMP1, Wasinet} {
			p, err := b.holdConns(kind, n)
			if err != nil {
				return err
			}
			b.res.Conns = append(b.res.Conns, p)
			b.logf("conns %-20s %5d: held %d, served %d, VmRSS %d KiB, VmHWM %d KiB", kind, n, p.Held, p.Served,
				p.Memory.RSSKiB, p.Memory.HWMKiB)
		}
	}
	return nil
}

func (b *Bench) holdConns(kind string, n int) (ConnsPoint, error) {
	pt := ConnsPoint{Server: kind, Conns: n}
	s, err := b.startServer(kind, n)
	if err != nil {
		return pt, err
	}
	defer s.Stop()
	c, err := Start(ProcSpec{Name: "idleconns", Argv: []string{b.prog.IdleConns, s.Addr, fmt.Sprint(n)}, Stdin: true})
	if err != nil {
		return pt, err
	}
	defer c.Stop()
	line, err := c.WaitLine("held ", 5*time.Minute)
	if err != nil {
		return pt, err
	}
	var failed, skipped int
	if _, err := fmt.Sscanf(line, "held %d failed %d skipped %d", &pt.Held, &failed, &skipped); err != nil {
		return pt, fmt.Errorf("idleconns said %q: %w", line, err)
	}
	time.Sleep(time.Second) // let the server finish its bookkeeping
	if pt.Memory, err = memoryOf(s.Pid()); err != nil {
		return pt, err
	}
	if err := s.alive(); err != nil {
		return pt, err
	}
	if err := c.SendLine("go"); err != nil {
		return pt, fmt.Errorf("idleconns: %w", err)
	}
	if line, err = c.WaitLine("served ", 5*time.Minute); err != nil {
		return pt, err
	}
	if _, err := fmt.Sscanf(line, "served %d failed %d", &pt.Served, &failed); err != nil {
		return pt, fmt.Errorf("idleconns said %q: %w", line, err)
	}
	if err := c.Wait(time.Minute); err != nil {
		return pt, err
	}
	return pt, nil
}
