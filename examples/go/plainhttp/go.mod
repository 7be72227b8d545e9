module wasinet.dev/examples/plainhttp

go 1.22
