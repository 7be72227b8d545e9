package main

// `wasinet run --instances N` (issue 19): the hello server as 1, 2 and
// `auto` instances against native at GOMAXPROCS 1, 2 and the default, and
// the memory of 1, 2 and 8 idle instances.

import (
	"fmt"
	"net/http"

	"strconv"
	"strings"
	"time"
)

// InstancesConns is the connection count of the instances comparison.
const InstancesConns = 50

// instancesPairs are the compared servers: each wasinet row beside the
// native row with as many threads for Go.
func instancesPairs() [][2]string {
	return [][2]string{
		{WasinetInstances + "1", NativeGMP1},
		{WasinetInstances + "2", NativeGOMAXPROCS + "2"},
		{WasinetInstances + "auto", NativeDefault},
	}
}

// InstancesMemPoint is the memory of the hello server run as N idle
// instances.
type InstancesMemPoint struct {
	Instances int    `json:"instances"`
	Memory    Memory `json:"memory"`
}

func (b *Bench) instancesRuns() error {
	if !b.hasRunFlag("--instances") {
		return fmt.Errorf("this wasinet has no --instances flag")
	}
	for _, pair := range instancesPairs() {
		for _, kind := range pair {
			if b.res.httpPoint(kind, InstancesConns) != nil {
				continue // measured already (the http section's native rows)
			}
			if err := b.serverRun(kind, []int{InstancesConns}, false); err != nil {
				return err
			}
		}
	}
	for _, n := range []int{1, 2, 8} {
		m, err := b.idleInstancesMemory(n)
		if err != nil {
			return err
		}
		b.res.InstancesMemory = append(b.res.InstancesMemory, InstancesMemPoint{Instances: n, Memory: m})
		b.logf("memory %d idle instances: VmRSS %d KiB", n, m.RSSKiB)
	}
	return nil
}

// idleInstancesMemory starts the hello server as n instances, has each
// answer requests, lets it idle 2 s and reads its memory.
func (b *Bench) idleInstancesMemory(n int) (Memory, error) {
	s, err := b.startServer(WasinetInstances+strconv.Itoa(n), 0)
	if err != nil {
		return Memory{}, err
	}
	defer s.Stop()
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	for k := 0; k < 4*n; k++ {
		resp, err := client.Get(s.URL())
		if err != nil {
			return Memory{}, err
		}
		resp.Body.Close()
	}
	time.Sleep(2 * time.Second)
	return memoryOf(s.Pid())
}

// instancesFlag is the --instances value of a WasinetInstances kind, or "".
func instancesFlag(kind string) string {
	if !strings.HasPrefix(kind, WasinetInstances) {
		return ""
	}
	return strings.TrimPrefix(kind, WasinetInstances)
}

// gomaxprocsOf is the GOMAXPROCS of a NativeGOMAXPROCS kind, or "".
func gomaxprocsOf(kind string) string {
	if !strings.HasPrefix(kind, NativeGOMAXPROCS) {
		return ""
	}
	return strings.TrimPrefix(kind, NativeGOMAXPROCS)
}

// instancesLabel names an instances kind in the report.
func instancesLabel(kind string) string {
	if n := instancesFlag(kind); n != "" {
		return "wasinet --instances " + n
	}
	if g := gomaxprocsOf(kind); g != "" {
		return "native, GOMAXPROCS=" + g
	}
	return serverLabels[kind]
}

func writeInstancesReport(p func(string, ...any), r *Results) {
	if len(r.InstancesMemory) == 0 && r.httpPoint(WasinetInstances+"1", InstancesConns) == nil {
		return
	}
	p("## Instances (`--instances`)")
	p("")
	p("The hello server (bench/guests/hello_http, which binds its own port: every instance binds it with SO_REUSEPORT and then listens on the service's one socket for that address, as with --listen) at %d connections, as N instances, beside native Go with as many threads. `auto` is one instance per CPU: %d here. wrk runs on the same %d CPUs as the server (nothing is pinned): on this machine the load generator takes a share of the cores the server would use.", InstancesConns, r.Machine.CPUs, r.Machine.CPUs)
	p("")
	p("| Server | req/s | p99 | native, same threads | req/s | p99 | wasinet / native |")
	p("|---|---:|---:|---|---:|---:|---:|")
	for _, pair := range instancesPairs() {
		w, n := r.httpPoint(pair[0], InstancesConns), r.httpPoint(pair[1], InstancesConns)
		if w == nil && n == nil {
			continue
		}
		p("| %s | %s | %s | %s | %s | %s | %s |", instancesLabel(pair[0]), httpField(w, reqs), httpField(w, p99),
			instancesLabel(pair[1]), httpField(n, reqs), httpField(n, p99), pct(httpVal(w, reqs), httpVal(n, reqs)))
	}
	if one := r.httpPoint(WasinetInstances+"1", InstancesConns); one != nil && one.ReqPerSec > 0 {
		if all := r.httpPoint(WasinetInstances+"auto", InstancesConns); all != nil {
			p("")
			p("`--instances auto` serves %s of one instance's req/s here. Prediction for a bigger machine (not measured): a server whose time goes to guest code scales with instances as native Go scales with GOMAXPROCS, each instance one core, until the kernel's accept path or the network saturates; on this 2-CPU machine wrk competes for the same cores.", times(all.ReqPerSec, one.ReqPerSec))
		}
	}
	if len(r.InstancesMemory) > 0 {
		p("")
		p("| Idle instances | VmRSS |")
		p("|---:|---:|")
		var first, last InstancesMemPoint
		for i, m := range r.InstancesMemory {
			if i == 0 {
				first = m
			}
			last = m
			p("| %d | %s |", m.Instances, num(float64(m.Memory.RSSKiB)/1024)+" MiB")
		}
		if last.Instances > first.Instances {
			inc := float64(last.Memory.RSSKiB-first.Memory.RSSKiB) / float64(last.Instances-first.Instances) / 1024
			p("")
			p("Each instance beyond the first adds about %.1f MiB (its linear memory, its Go heap and its thread); the compiled code is shared: one compile, one mapping.", inc)
		}
	}
	p("")
}
