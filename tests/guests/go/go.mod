module wasinet.test/guests

go 1.22

require wasinet.dev/wasinet v0.0.0

require github.com/stealthrocket/net v0.2.1

// The Go guest SDK from this repository, never a downloaded copy.
replace wasinet.dev/wasinet => ../../../sdk/go
