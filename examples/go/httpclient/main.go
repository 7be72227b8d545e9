// httpclient fetches a URL with plain net/http: importing autohijack is
// all it takes to make http.Get dial through the host (and resolve names
// there). It prints the status line to stderr and the body to stdout.
package main

import (
	"fmt"
	"io"
	"net/http"
	"os"

	_ "wasinet.dev/wasinet/autohijack"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: httpclient URL")
		os.Exit(2)
	}
	resp, err := http.Get(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer resp.Body.Close()
	fmt.Fprintln(os.Stderr, resp.Proto, resp.Status)
	if _, err := io.Copy(os.Stdout, resp.Body); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if resp.StatusCode != http.StatusOK {
		os.Exit(1)
	}
}
