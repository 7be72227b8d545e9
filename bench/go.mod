module wasinet.bench

go 1.22

require wasinet.dev/wasinet v0.0.0

// The Go guest SDK from this repository, never a downloaded copy.
replace wasinet.dev/wasinet => ../sdk/go
