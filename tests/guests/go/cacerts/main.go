// cacerts reports the CA bundle the host gave it: the SSL_CERT_FILE
// variable, and how many certificates Go's system pool loaded from it.
package main

import (
	"crypto/x509"
	"fmt"
	"os"
)

func main() {
	name, ok := os.LookupEnv("SSL_CERT_FILE")
	if !ok {
		name = "unset"
	}
	fmt.Printf("SSL_CERT_FILE=%s\n", name)
	pool, err := x509.SystemCertPool()
	if err != nil {
		fmt.Printf("pool error: %v\n", err)
		os.Exit(1)
	}
	//lint:ignore SA1019 Subjects is fine for counting a pool we built from a file
	fmt.Printf("certificates=%d\n", len(pool.Subjects()))
}
