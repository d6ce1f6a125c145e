package exchange

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/store/storetest"
)

func mustCA(tb testing.TB) (*CA, string) {
	tb.Helper()
	dir := filepath.Join(tb.TempDir(), "ca")
	ca, err := InitCA(dir, "ortaq test CA")
	if err != nil {
		tb.Fatal(err)
	}
	return ca, dir
}

func TestCA(t *testing.T) {
	ca, dir := mustCA(t)
	if _, err := InitCA(dir, "again"); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Fatalf("second InitCA: %v, want a refusal to overwrite", err)
	}
	if fi, err := os.Stat(filepath.Join(dir, CAKeyFile)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("ca.key: %v, %v", fi.Mode(), err)
	}
	loaded, err := LoadCA(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !loaded.Cert.Equal(ca.Cert) {
		t.Fatal("LoadCA returned another certificate")
	}

	certPEM, keyPEM, cert, err := loaded.IssueClient("mlsp", "social-benefits", 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if cert.Subject.Organization[0] != "mlsp" || cert.Subject.CommonName != "social-benefits" ||
		cert.Subject.OrganizationalUnit[0] != ClientOU || cert.SerialNumber.BitLen() > 128 || cert.SerialNumber.BitLen() < 64 {
		t.Fatalf("subject %v serial %v", cert.Subject, cert.SerialNumber)
	}
	if _, err := cert.Verify(x509.VerifyOptions{Roots: ca.Pool(), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
		t.Fatalf("client certificate does not chain to the CA: %v", err)
	}
	if _, err := cert.Verify(x509.VerifyOptions{Roots: ca.Pool(), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}); err == nil {
		t.Fatal("a client certificate verifies for server authentication")
	}
	if _, err := tls.X509KeyPair(certPEM, keyPEM); err != nil {
		t.Fatalf("issued PEM pair: %v", err)
	}
	other, _ := mustCA(t)
	if _, err := cert.Verify(x509.VerifyOptions{Roots: other.Pool(), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err == nil {
		t.Fatal("certificate verifies against another CA")
	}
	if _, _, _, err := ca.IssueClient("MLSP", "x", time.Hour); err == nil {
		t.Fatal("issued for a malformed member code")
	}
	if _, _, _, err := ca.IssueClient("mlsp", "x", 0); err == nil {
		t.Fatal("issued with no validity")
	}
	if _, err := LoadCA(t.TempDir()); err == nil {
		t.Fatal("LoadCA of an empty directory succeeded")
	}
	// A key that is not the certificate's is refused.
	mixed := t.TempDir()
	os.WriteFile(filepath.Join(mixed, CACertFile), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.Cert.Raw}), 0o644)
	_, keyOnly, _, _ := ca.IssueClient("moj", "x", time.Hour)
	os.WriteFile(filepath.Join(mixed, CAKeyFile), keyOnly, 0o600)
	if _, err := LoadCA(mixed); err == nil {
		t.Fatal("LoadCA accepted a key that does not match")
	}
}

// TestServerConfig serves HTTPS with ServerConfig and connects with a real
// TLS client certificate, with an API key and no certificate, and with a
// certificate of a foreign CA.
func TestServerConfig(t *testing.T) {
	ctx := context.Background()
	x := mustExchange(t, storetest.SQLite(t), Options{})
	ca, _ := mustCA(t)
	cfg, err := ca.ServerConfig([]string{"ortaq.example.kz:8443", "10.0.0.5"})
	if err != nil {
		t.Fatal(err)
	}
	leaf := cfg.Certificates[0].Leaf
	if err := leaf.VerifyHostname("ortaq.example.kz"); err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"10.0.0.5", "localhost", "127.0.0.1"} {
		if err := leaf.VerifyHostname(h); err != nil {
			t.Errorf("server certificate: %v", err)
		}
	}

	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var (
			c   Client
			err error
		)
		if len(r.TLS.PeerCertificates) > 0 {
			c, err = x.AuthenticateCert(r.TLS.PeerCertificates[0])
		} else {
			c, err = x.AuthenticateKey(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		io.WriteString(w, c.Member+"/"+c.Subsystem+" "+c.Auth)
	}))
	srv.TLS = cfg
	srv.StartTLS()
	defer srv.Close()

	certPEM, keyPEM, cert, err := ca.IssueClient("moh", "health-cards", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if err := x.RegisterCert(ctx, cert); err != nil {
		t.Fatal(err)
	}
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	get := func(certs []tls.Certificate, token string) (string, error) {
		tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: ca.Pool(), Certificates: certs}}
		defer tr.CloseIdleConnections()
		req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := (&http.Client{Transport: tr}).Do(req)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return resp.Status + " " + string(b), err
	}

	got, err := get([]tls.Certificate{pair}, "")
	if err != nil || got != "200 OK moh/health-cards cert:"+cert.SerialNumber.Text(16) {
		t.Fatalf("with a client certificate: %q, %v", got, err)
	}
	token, _, err := x.CreateKey(ctx, "moj", "civil-registry", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := get(nil, token); err != nil || !strings.HasPrefix(got, "200 OK moj/civil-registry key:") {
		t.Fatalf("with an API key over TLS: %q, %v", got, err)
	}
	if err := x.RevokeCert(ctx, cert.SerialNumber.Text(16)); err != nil {
		t.Fatal(err)
	}
	if got, err := get([]tls.Certificate{pair}, ""); err != nil || !strings.Contains(got, "401") || !strings.Contains(got, "revoked") {
		t.Fatalf("with a revoked certificate: %q, %v", got, err)
	}

	foreign, _ := mustCA(t)
	fc, fk, _, err := foreign.IssueClient("moh", "health-cards", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	fpair, err := tls.X509KeyPair(fc, fk)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := get([]tls.Certificate{fpair}, ""); err == nil {
		t.Fatalf("a foreign CA's certificate was accepted: %q", got)
	}
}
