module wasinet.test/e2e

go 1.22
