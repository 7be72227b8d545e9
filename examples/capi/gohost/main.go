// gohost: a wasinet host written in Go, through wasinet's C API
// (include/wasinet/wasinet.h) and cgo: load a module, run it with
// arguments, an environment variable and a network grant, optionally stop
// it from another goroutine, and report how it ended.
//
//	gohost [-stop-after DURATION] [-allow-net RULES] MODULE.wasm [ARGS...]
//
// Prints "end=N status=S message=M" after the guest's own output and exits
// with S. Built by tests/capi/gohost_test.sh with the static libraries of
// a CMake build (CGO_LDFLAGS from build/capi-link.txt).
package main

/*
#cgo CFLAGS: -I${SRCDIR}/../../../include
#include <stdlib.h>
#include "wasinet/wasinet.h"
*/
import "C"

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"
	"unsafe"
)

func lastError() string { return C.GoString(C.wasinet_last_error()) }

func fail(what string) {
	fmt.Fprintf(os.Stderr, "gohost: %s: %s\n", what, lastError())
	os.Exit(125)
}

func cstr(s string) *C.char { return C.CString(s) } // freed by the caller

func main() {
	stopAfter := flag.Duration("stop-after", 0, "stop the guest after this long (0: never)")
	allowNet := flag.String("allow-net", "", "--allow-net rules for the guest")
	flag.Parse()
	if flag.NArg() < 1 {
		fmt.Fprintln(os.Stderr, "usage: gohost [-stop-after D] [-allow-net RULES] MODULE.wasm [ARGS...]")
		os.Exit(2)
	}
	os.Exit(run(flag.Arg(0), flag.Args()[1:], *stopAfter, *allowNet))
}

// run returns the guest's status; every handle is freed on the way out.
func run(modulePath string, args []string, stopAfter time.Duration, allowNet string) int {
	var engine *C.wasinet_engine_t
	if C.wasinet_engine_new(nil, &engine) != C.WASINET_OK {
		fail("engine")
	}
	defer C.wasinet_engine_free(engine)

	path := cstr(modulePath)
	defer C.free(unsafe.Pointer(path))
	var module *C.wasinet_module_t
	if C.wasinet_module_load_file(engine, path, &module) != C.WASINET_OK {
		fail("module")
	}
	defer C.wasinet_module_free(module)

	opts := C.wasinet_options_new()
	defer C.wasinet_options_free(opts)
	for _, a := range append([]string{filepath.Base(modulePath)}, args...) {
		ca := cstr(a)
		C.wasinet_options_add_arg(opts, ca)
		C.free(unsafe.Pointer(ca))
	}
	env := cstr("HELLO_GREETING=from a Go host")
	defer C.free(unsafe.Pointer(env))
	if C.wasinet_options_add_env(opts, env) != C.WASINET_OK {
		fail("env")
	}
	if allowNet != "" {
		rules := cstr(allowNet)
		defer C.free(unsafe.Pointer(rules))
		if C.wasinet_options_add_net_rules(opts, C.WASINET_ALLOW_NET, rules) != C.WASINET_OK {
			fail("-allow-net")
		}
	}

	var guest *C.wasinet_guest_t
	if C.wasinet_guest_new(module, opts, &guest) != C.WASINET_OK {
		fail("guest")
	}
	defer C.wasinet_guest_free(guest)
	if stopAfter > 0 {
		// Any goroutine (any thread) may stop the guest.
		go func() {
			time.Sleep(stopAfter)
			C.wasinet_guest_stop(guest, 143)
		}()
	}
	var end C.wasinet_exit_t
	if C.wasinet_guest_run(guest, &end) != C.WASINET_OK {
		fail("run")
	}
	fmt.Printf("end=%d status=%d message=%s\n", int(end.end), int(end.status), C.GoString(end.message))
	return int(end.status)
}
