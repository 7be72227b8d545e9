// listenandserve is the shortest net/http server there is:
// http.ListenAndServe on the address in its first argument.
package main

import (
	"fmt"
	"log"
	"net/http"
	"os"
)

func main() {
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "ListenAndServe says hi to %s\n", r.RemoteAddr)
	})
	log.Fatal(http.ListenAndServe(os.Args[1], nil))
}
