module wasinet.test/shim

go 1.22
