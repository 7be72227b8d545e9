// Package gotest is an ordinary package whose test listens, dials and
// writes a temporary file: what `wasinet go test` must run.
package gotest

import "net"

// RoundTrip sends msg to an echo server at addr and returns the answer.
func RoundTrip(addr, msg string) (string, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return "", err
	}
	defer c.Close()
	if _, err := c.Write([]byte(msg)); err != nil {
		return "", err
	}
	buf := make([]byte, len(msg))
	n, err := c.Read(buf)
	return string(buf[:n]), err
}
