package main

// Driving wrk and reading its report.

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// WrkResult is what one wrk run measured.
type WrkResult struct {
	ReqPerSec    float64 `json:"req_per_sec"`
	P50us        float64 `json:"p50_us"`
	P99us        float64 `json:"p99_us"`
	Requests     int64   `json:"requests"`
	SocketErrors int64   `json:"socket_errors"` // connect+read+write+timeout
	Non2xx       int64   `json:"non_2xx"`
}

// runWrk runs `wrk --latency` against url. One thread is the default: on
// a 2-core machine the server under test gets the other core.
func runWrk(wrk string, threads int, url string, conns int, d time.Duration) (WrkResult, error) {
	argv := []string{wrk, "--latency", "-t", strconv.Itoa(threads), "-c", strconv.Itoa(conns),
		"-d", fmt.Sprintf("%ds", int(d.Seconds()+0.5)), "--timeout", "5s", url}
	p, err := Start(ProcSpec{Name: fmt.Sprintf("wrk -c %d", conns), Argv: argv})
	if err != nil {
		return WrkResult{}, err
	}
	defer p.Stop()
	if err := p.Wait(d + 30*time.Second); err != nil {
		return WrkResult{}, err
	}
	r, err := parseWrk(strings.Join(p.Lines(), "\n"))
	if err != nil {
		return r, fmt.Errorf("wrk -c %d %s: %w", conns, url, err)
	}
	return r, nil
}

var (
	wrkReqSec    = regexp.MustCompile(`(?m)^Requests/sec:\s+([0-9.]+)`)
	wrkTotal     = regexp.MustCompile(`(?m)^\s*([0-9]+) requests in `)
	wrkPercent   = regexp.MustCompile(`(?m)^\s+(50|99)%\s+([0-9.]+)(us|ms|s|m|h)\s*$`)
	wrkSockErrs  = regexp.MustCompile(`Socket errors: connect ([0-9]+), read ([0-9]+), write ([0-9]+), timeout ([0-9]+)`)
	wrkNon2xx    = regexp.MustCompile(`Non-2xx or 3xx responses: ([0-9]+)`)
	timeUnitInUs = map[string]float64{"us": 1, "ms": 1e3, "s": 1e6, "m": 60e6, "h": 3600e6}
)

// parseWrk reads the report wrk 4 prints with --latency.
func parseWrk(out string) (WrkResult, error) {
	var r WrkResult
	m := wrkReqSec.FindStringSubmatch(out)
	if m == nil {
		return r, fmt.Errorf("no Requests/sec in its output:\n%s", out)
	}
	r.ReqPerSec, _ = strconv.ParseFloat(m[1], 64)
	if m := wrkTotal.FindStringSubmatch(out); m != nil {
		r.Requests, _ = strconv.ParseInt(m[1], 10, 64)
	}
	found := 0
	for _, m := range wrkPercent.FindAllStringSubmatch(out, -1) {
		v, _ := strconv.ParseFloat(m[2], 64)
		v *= timeUnitInUs[m[3]]
		if m[1] == "50" {
			r.P50us = v
		} else {
			r.P99us = v
		}
		found++
	}
	if found != 2 {
		return r, fmt.Errorf("no 50%%/99%% latency lines (run with --latency):\n%s", out)
	}
	if m := wrkSockErrs.FindStringSubmatch(out); m != nil {
		for _, s := range m[1:] {
			n, _ := strconv.ParseInt(s, 10, 64)
			r.SocketErrors += n
		}
	}
	if m := wrkNon2xx.FindStringSubmatch(out); m != nil {
		r.Non2xx, _ = strconv.ParseInt(m[1], 10, 64)
	}
	return r, nil
}
