package e2e

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// writeTestCA writes a PEM bundle of n self-signed CA certificates and
// returns its path.
func writeTestCA(t *testing.T, n int) string {
	t.Helper()
	var bundle []byte
	for i := 0; i < n; i++ {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		tmpl := &x509.Certificate{
			SerialNumber:          big.NewInt(int64(i + 1)),
			Subject:               pkix.Name{CommonName: "wasinet test CA " + string(rune('A'+i))},
			NotBefore:             time.Now().Add(-time.Hour),
			NotAfter:              time.Now().Add(time.Hour),
			IsCA:                  true,
			BasicConstraintsValid: true,
			KeyUsage:              x509.KeyUsageCertSign,
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
		if err != nil {
			t.Fatal(err)
		}
		bundle = append(bundle, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})...)
	}
	p := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(p, bundle, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// A guest granted outbound network sees the host's CA bundle (the
// operator's $SSL_CERT_FILE here) at a fixed path named by SSL_CERT_FILE;
// the guest's own SSL_CERT_FILE wins; --no-ca-certs gives it nothing, and
// so does granting it nothing that reaches out.
func TestCACertsReachTheGuest(t *testing.T) {
	g := guest(t, "go", "cacerts")
	ca := writeTestCA(t, 3)
	host := opts{env: []string{"SSL_CERT_FILE=" + ca}}
	const grant = "--allow-net=127.0.0.1:443"

	for _, grants := range [][]string{{grant}, {"--allow-dns"}, {"--allow-net"}} {
		r := run(t, host, concat([]string{"run"}, grants, []string{g})...)
		expectCode(t, r, 0)
		expectStdout(t, r, "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt\ncertificates=3\n")
	}

	// The guest's own setting is left alone, and nothing is mounted for it.
	r := run(t, host, "run", grant, "--env", "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt", g)
	expectCode(t, r, 0)
	expectStdout(t, r, "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt\ncertificates=0\n")

	r = run(t, host, "run", grant, "--no-ca-certs", g)
	expectCode(t, r, 0)
	expectStdout(t, r, "SSL_CERT_FILE=unset\ncertificates=0\n")

	// A user's own /etc decides what is there.
	r = run(t, host, "run", grant, "--dir", t.TempDir()+"::/etc", g)
	expectCode(t, r, 0)
	expectStdout(t, r, "SSL_CERT_FILE=unset\ncertificates=0\n")

	// Granted nothing that reaches out: neither the bundle nor the variable.
	for _, grants := range [][]string{nil, {"--allow-listen=127.0.0.1:8080"}, {"--allow-unix=/tmp"}} {
		r = run(t, host, concat([]string{"run"}, grants, []string{g})...)
		expectCode(t, r, 0)
		expectStdout(t, r, "SSL_CERT_FILE=unset\ncertificates=0\n")
	}
}

// An operator's SSL_CERT_FILE that does not exist is a warning, not a
// failure: the guest runs without certificates.
func TestCACertsMissingBundleWarns(t *testing.T) {
	g := guest(t, "go", "cacerts")
	r := run(t, opts{env: []string{"SSL_CERT_FILE=/nonexistent/ca.pem"}}, "run", "--allow-dns", g)
	expectCode(t, r, 0)
	expectStdout(t, r, "SSL_CERT_FILE=unset\ncertificates=0\n")
	if want := "wasinet: warning: the guest gets no CA certificates: /nonexistent/ca.pem does not exist\n"; r.stderr != want {
		t.Errorf("stderr %q, want %q", r.stderr, want)
	}
}
