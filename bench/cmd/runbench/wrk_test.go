package main

import (
	"math"
	"testing"
)

const wrkSample = `Running 3s test @ http://127.0.0.1:41234/
  1 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.02ms  348.11us   9.87ms   83.10%
    Req/Sec    48.99k     2.12k   52.30k    70.00%
  Latency Distribution
     50%  0.97ms
     75%    1.12ms
     90%    1.35ms
     99%  2.10ms
  146211 requests in 3.00s, 17.57MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:  48736.51
Transfer/sec:      5.86MB
`

func TestParseWrk(t *testing.T) {
	r, err := parseWrk(wrkSample)
	if err != nil {
		t.Fatal(err)
	}
	want := WrkResult{ReqPerSec: 48736.51, P50us: 970, P99us: 2100, Requests: 146211, SocketErrors: 3, Non2xx: 4}
	if math.Abs(r.P50us-want.P50us) > 1e-6 || math.Abs(r.P99us-want.P99us) > 1e-6 {
		t.Fatalf("latencies %+v, want %+v", r, want)
	}
	r.P50us, r.P99us, want.P50us, want.P99us = 0, 0, 0, 0
	if r != want {
		t.Fatalf("got %+v, want %+v", r, want)
	}
}

func TestParseWrkMicroseconds(t *testing.T) {
	out := "  Latency Distribution\n     50%   85.00us\n     75%  90.00us\n     90%  95.00us\n     99%  156.00us\n" +
		"  1000 requests in 1.00s, 1MB read\nRequests/sec:  11000.00\n"
	r, err := parseWrk(out)
	if err != nil {
		t.Fatal(err)
	}
	if r.P50us != 85 || r.P99us != 156 || r.ReqPerSec != 11000 {
		t.Fatalf("got %+v", r)
	}
}

func TestParseWrkWithoutReport(t *testing.T) {
	if _, err := parseWrk("unable to connect to 127.0.0.1:1 Connection refused\n"); err == nil {
		t.Fatal("no error for an output without a report")
	}
}

func TestParseStatCPU(t *testing.T) {
	// Field 2 may hold spaces and parentheses.
	stat := "4242 (we (ird) name) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 3 0 100 1000 10 0"
	got, err := parseStatCPU(stat, 100)
	if err != nil {
		t.Fatal(err)
	}
	if got != 3.0 {
		t.Fatalf("cpu seconds %v, want 3 ((250+50)/100)", got)
	}
}

func TestParseStatusMemory(t *testing.T) {
	m, err := parseStatusMemory("Name:\tx\nVmHWM:\t   20480 kB\nVmRSS:\t   10240 kB\n")
	if err != nil {
		t.Fatal(err)
	}
	if m.RSSKiB != 10240 || m.HWMKiB != 20480 {
		t.Fatalf("got %+v", m)
	}
}
