module wasinet.example/wordfreq

go 1.22
