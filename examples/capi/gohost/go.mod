module wasinet.example/capi/gohost

go 1.22
