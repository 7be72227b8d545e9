module wasinet.test/guests

go 1.22
