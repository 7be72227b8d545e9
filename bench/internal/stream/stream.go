// Package stream holds what the bulk benchmark's guest and its native peer
// both do with a connection.
package stream

import "io"

// WriteN writes total bytes to w, repeating buf; it returns how many went
// out before the first error.
func WriteN(w io.Writer, buf []byte, total int64) (int64, error) {
	var sent int64
	for sent < total {
		b := buf
		if rest := total - sent; rest < int64(len(b)) {
			b = b[:rest]
		}
		n, err := w.Write(b)
		sent += int64(n)
		if err != nil {
			return sent, err
		}
	}
	return sent, nil
}
