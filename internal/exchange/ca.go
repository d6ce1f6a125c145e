package exchange

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// CA file names inside a CA directory.
const (
	CACertFile = "ca.crt"
	CAKeyFile  = "ca.key"
)

// ClientOU is the organisational unit of every client certificate the
// platform CA issues, so that its certificates are recognisable.
const ClientOU = "ortaq-exchange"

// caValidity is how long a new platform CA is valid; members' certificates
// are issued for much shorter.
const caValidity = 10 * 365 * 24 * time.Hour

// serverValidity bounds the certificate ServerConfig makes at each start.
const serverValidity = 397 * 24 * time.Hour

// CA is the platform's certificate authority: it issues the client
// certificates members authenticate with, and the server's certificate.
// Its key is ECDSA P-256 and never leaves its directory.
type CA struct {
	// Cert is the CA certificate.
	Cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pool *x509.CertPool
}

// InitCA creates a CA named name in dir: dir/ca.crt and dir/ca.key (mode
// 0600). It refuses to overwrite an existing CA, whose loss would orphan
// every certificate it issued.
func InitCA(dir, name string) (*CA, error) {
	if name == "" {
		return nil, errors.New("ca init: empty name")
	}
	certPath, keyPath := filepath.Join(dir, CACertFile), filepath.Join(dir, CAKeyFile)
	for _, p := range []string{certPath, keyPath} {
		if _, err := os.Stat(p); err == nil {
			return nil, fmt.Errorf("ca init: %s exists; a CA is already set up in %s", p, dir)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("ca init: %w", err)
		}
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("ca init: %w", err)
	}
	serial, err := randomSerial()
	if err != nil {
		return nil, fmt.Errorf("ca init: %w", err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: name, Organization: []string{"ortaq"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(caValidity),
		IsCA:                  true,
		BasicConstraintsValid: true,
		MaxPathLenZero:        true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, fmt.Errorf("ca init: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("ca init: %w", err)
	}
	keyPEM, err := encodeKey(key)
	if err != nil {
		return nil, fmt.Errorf("ca init: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("ca init: %w", err)
	}
	// The key first and exclusively: a second init racing this one fails
	// here instead of pairing its certificate with our key.
	if err := writeNew(keyPath, keyPEM, 0o600); err != nil {
		return nil, fmt.Errorf("ca init: %w", err)
	}
	if err := writeNew(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		os.Remove(keyPath)
		return nil, fmt.Errorf("ca init: %w", err)
	}
	return newCA(cert, key), nil
}

func writeNew(path string, b []byte, mode os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return err
	}
	return nil
}

// LoadCA reads the CA InitCA wrote in dir.
func LoadCA(dir string) (*CA, error) {
	certPEM, err := os.ReadFile(filepath.Join(dir, CACertFile))
	if err != nil {
		return nil, fmt.Errorf("load ca: %w", err)
	}
	keyPEM, err := os.ReadFile(filepath.Join(dir, CAKeyFile))
	if err != nil {
		return nil, fmt.Errorf("load ca: %w", err)
	}
	cb, _ := pem.Decode(certPEM)
	if cb == nil || cb.Type != "CERTIFICATE" {
		return nil, fmt.Errorf("load ca: %s holds no PEM certificate", filepath.Join(dir, CACertFile))
	}
	cert, err := x509.ParseCertificate(cb.Bytes)
	if err != nil {
		return nil, fmt.Errorf("load ca: %s: %w", filepath.Join(dir, CACertFile), err)
	}
	kb, _ := pem.Decode(keyPEM)
	if kb == nil {
		return nil, fmt.Errorf("load ca: %s holds no PEM key", filepath.Join(dir, CAKeyFile))
	}
	k, err := x509.ParsePKCS8PrivateKey(kb.Bytes)
	if err != nil {
		return nil, fmt.Errorf("load ca: %s: %w", filepath.Join(dir, CAKeyFile), err)
	}
	key, ok := k.(*ecdsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("load ca: %s: not an ECDSA key", filepath.Join(dir, CAKeyFile))
	}
	if pub, ok := cert.PublicKey.(*ecdsa.PublicKey); !ok || !pub.Equal(key.Public()) {
		return nil, fmt.Errorf("load ca: the key in %s does not belong to the certificate", dir)
	}
	if !cert.IsCA {
		return nil, fmt.Errorf("load ca: %s is not a CA certificate", filepath.Join(dir, CACertFile))
	}
	return newCA(cert, key), nil
}

func newCA(cert *x509.Certificate, key *ecdsa.PrivateKey) *CA {
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &CA{Cert: cert, key: key, pool: pool}
}

// Pool returns a pool holding the CA certificate, to verify client (and
// server) certificates against.
func (ca *CA) Pool() *x509.CertPool { return ca.pool }

// IssueClient issues a client certificate for a member's subsystem:
// subject O=member, CN=subsystem, OU=ortaq-exchange, a random 128-bit
// serial and the client-authentication key usage, with a fresh P-256 key.
// It does not register the certificate: call Exchange.RegisterCert.
func (ca *CA) IssueClient(member, subsystem string, validity time.Duration) (certPEM, keyPEM []byte, cert *x509.Certificate, err error) {
	if !ValidCode(member) || !ValidCode(subsystem) {
		return nil, nil, nil, fmt.Errorf("issue client certificate: %q/%q is not a member/subsystem code", member, subsystem)
	}
	if validity <= 0 {
		return nil, nil, nil, fmt.Errorf("issue client certificate: validity %v must be positive", validity)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		Subject:     pkix.Name{Organization: []string{member}, OrganizationalUnit: []string{ClientOU}, CommonName: subsystem},
		NotBefore:   now.Add(-5 * time.Minute),
		NotAfter:    now.Add(validity),
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	der, key, err := ca.sign(tmpl)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("issue client certificate for %s/%s: %w", member, subsystem, err)
	}
	if cert, err = x509.ParseCertificate(der); err != nil {
		return nil, nil, nil, fmt.Errorf("issue client certificate for %s/%s: %w", member, subsystem, err)
	}
	if keyPEM, err = encodeKey(key); err != nil {
		return nil, nil, nil, fmt.Errorf("issue client certificate for %s/%s: %w", member, subsystem, err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), keyPEM, cert, nil
}

// ServerConfig makes a fresh server certificate for hosts (and localhost,
// 127.0.0.1 and ::1) signed by the CA, and a TLS configuration that asks
// for a client certificate and verifies any given against the CA, but does
// not require one, so that API keys still work over TLS. Hosts may carry a
// port, which is ignored.
func (ca *CA) ServerConfig(hosts []string) (*tls.Config, error) {
	var (
		dns []string
		ips []net.IP
	)
	for _, h := range append(slices.Clone(hosts), "localhost", "127.0.0.1", "::1") {
		if host, _, err := net.SplitHostPort(h); err == nil {
			h = host
		}
		if h == "" {
			continue
		}
		if ip := net.ParseIP(h); ip != nil {
			if !slices.ContainsFunc(ips, ip.Equal) {
				ips = append(ips, ip)
			}
		} else if !slices.Contains(dns, h) {
			dns = append(dns, h)
		}
	}
	now := time.Now()
	notAfter := now.Add(serverValidity)
	if ca.Cert.NotAfter.Before(notAfter) {
		notAfter = ca.Cert.NotAfter
	}
	tmpl := &x509.Certificate{
		Subject:     pkix.Name{Organization: []string{"ortaq"}, CommonName: dns[0]},
		NotBefore:   now.Add(-5 * time.Minute),
		NotAfter:    notAfter,
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:    dns,
		IPAddresses: ips,
	}
	der, key, err := ca.sign(tmpl)
	if err != nil {
		return nil, fmt.Errorf("server certificate: %w", err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("server certificate: %w", err)
	}
	return &tls.Config{
		MinVersion:   tls.VersionTLS12,
		Certificates: []tls.Certificate{{Certificate: [][]byte{der, ca.Cert.Raw}, PrivateKey: key, Leaf: leaf}},
		ClientAuth:   tls.VerifyClientCertIfGiven,
		ClientCAs:    ca.pool,
	}, nil
}

// sign fills in a serial and a fresh key and signs tmpl with the CA.
func (ca *CA) sign(tmpl *x509.Certificate) ([]byte, crypto.Signer, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	if tmpl.SerialNumber, err = randomSerial(); err != nil {
		return nil, nil, err
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, key.Public(), ca.key)
	if err != nil {
		return nil, nil, err
	}
	return der, key, nil
}

// randomSerial returns a random positive 128-bit serial, as RFC 5280 and
// the CA/Browser baseline ask (at least 64 bits of entropy).
func randomSerial() (*big.Int, error) {
	for {
		n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
		if err != nil {
			return nil, err
		}
		if n.Sign() > 0 {
			return n, nil
		}
	}
}

func encodeKey(key crypto.Signer) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}
