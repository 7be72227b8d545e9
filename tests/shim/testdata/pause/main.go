// pause: a native container process like Kubernetes' pause image, for the
// shim's native path (a pod's sandbox container is native even when its
// runtime class is wasinet): prints "pause: ready", sleeps until SIGTERM or
// SIGINT, prints "pause: SIGNAL" and exits 0. Built by the tests as a
// static Linux binary (CGO_ENABLED=0).
package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	fmt.Println("pause: ready")
	fmt.Printf("pause: %v\n", <-stop)
}
