module wasinet.dev/examples/httpclient

go 1.22

require wasinet.dev/wasinet v0.0.0

// The SDK from this repository.
replace wasinet.dev/wasinet => ../../../sdk/go
