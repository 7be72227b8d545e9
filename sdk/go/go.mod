module wasinet.dev/wasinet

go 1.22
