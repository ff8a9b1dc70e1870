package lab

import (
	"cmp"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// keyPair is a certificate with its private key, also PEM-encoded.
type keyPair struct {
	cert    *x509.Certificate
	key     crypto.Signer
	certPEM []byte
	keyPEM  []byte
}

// certSpec describes a certificate to issue.
type certSpec struct {
	cn     string
	orgs   []string
	dns    []string
	ips    []net.IP
	server bool
	client bool
	// notBefore and notAfter override the validity (default: from an hour
	// ago for a year).
	notBefore, notAfter time.Time
}

func newKey() (*ecdsa.PrivateKey, []byte, error) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	der, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		return nil, nil, err
	}
	return k, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}), nil
}

func serial() *big.Int {
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	return n
}

// newCA makes a self-signed CA valid for a year.
func newCA(cn string) (*keyPair, error) {
	k, keyPEM, err := newKey()
	if err != nil {
		return nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: cn},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, k.Public(), k)
	if err != nil {
		return nil, fmt.Errorf("ca %s: %w", cn, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &keyPair{cert: cert, key: k, certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), keyPEM: keyPEM}, nil
}

// issue signs a leaf certificate with the CA.
func (ca *keyPair) issue(s certSpec) (*keyPair, error) {
	k, keyPEM, err := newKey()
	if err != nil {
		return nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: s.cn, Organization: s.orgs},
		NotBefore:    cmp.Or(s.notBefore, now.Add(-time.Hour)),
		NotAfter:     cmp.Or(s.notAfter, now.Add(365*24*time.Hour)),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		DNSNames:     s.dns,
		IPAddresses:  s.ips,
	}
	if s.server {
		tmpl.ExtKeyUsage = append(tmpl.ExtKeyUsage, x509.ExtKeyUsageServerAuth)
	}
	if s.client {
		tmpl.ExtKeyUsage = append(tmpl.ExtKeyUsage, x509.ExtKeyUsageClientAuth)
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, k.Public(), ca.key)
	if err != nil {
		return nil, fmt.Errorf("certificate %s: %w", s.cn, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &keyPair{cert: cert, key: k, certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), keyPEM: keyPEM}, nil
}

// write stores the pair as <dir>/<name>.crt and <name>.key.
func (kp *keyPair) write(dir, name string) (certPath, keyPath string, err error) {
	certPath, keyPath = filepath.Join(dir, name+".crt"), filepath.Join(dir, name+".key")
	if err := os.WriteFile(certPath, kp.certPEM, 0o644); err != nil {
		return "", "", err
	}
	if err := os.WriteFile(keyPath, kp.keyPEM, 0o600); err != nil {
		return "", "", err
	}
	return certPath, keyPath, nil
}

// pki holds every credential of one lab cluster and the files written for it.
type pki struct {
	dir                      string
	ca, frontProxyCA         *keyPair
	caFile, frontProxyCAFile string
	caKeyFile                string
	servingCert, servingKey  string
	proxyCert, proxyKey      string
	saKey, saPub             string
	admin, kcm               *keyPair
}

// newPKI generates the lab's certificates under dir.
func newPKI(dir string) (*pki, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	p := &pki{dir: dir}
	var err error
	if p.ca, err = newCA("nsbundle-lab-ca"); err != nil {
		return nil, err
	}
	if p.caFile, p.caKeyFile, err = p.ca.write(dir, "ca"); err != nil {
		return nil, err
	}
	if p.frontProxyCA, err = newCA("nsbundle-lab-front-proxy-ca"); err != nil {
		return nil, err
	}
	if p.frontProxyCAFile, _, err = p.frontProxyCA.write(dir, "front-proxy-ca"); err != nil {
		return nil, err
	}
	serving, err := p.ca.issue(certSpec{
		cn:     "kube-apiserver",
		dns:    []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"},
		ips:    []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("10.0.0.1")},
		server: true,
	})
	if err != nil {
		return nil, err
	}
	if p.servingCert, p.servingKey, err = serving.write(dir, "apiserver"); err != nil {
		return nil, err
	}
	proxy, err := p.frontProxyCA.issue(certSpec{cn: "front-proxy-client", client: true})
	if err != nil {
		return nil, err
	}
	if p.proxyCert, p.proxyKey, err = proxy.write(dir, "front-proxy-client"); err != nil {
		return nil, err
	}
	if err := p.writeSAKey(); err != nil {
		return nil, err
	}
	if p.admin, err = p.clientCert("kubernetes-admin", "system:masters"); err != nil {
		return nil, err
	}
	if p.kcm, err = p.clientCert("system:kube-controller-manager"); err != nil {
		return nil, err
	}
	return p, nil
}

// clientCert mints a client certificate for user with groups (O=).
func (p *pki) clientCert(user string, groups ...string) (*keyPair, error) {
	return p.ca.issue(certSpec{cn: user, orgs: groups, client: true})
}

// serverCert mints a serving certificate signed by the cluster CA.
func (p *pki) serverCert(dns []string, ips []net.IP) (*keyPair, error) {
	return p.ca.issue(certSpec{cn: dns[0], dns: dns, ips: ips, server: true})
}

func (p *pki) writeSAKey() error {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return err
	}
	pub, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		return err
	}
	p.saKey, p.saPub = filepath.Join(p.dir, "sa.key"), filepath.Join(p.dir, "sa.pub")
	if err := os.WriteFile(p.saKey, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)}), 0o600); err != nil {
		return err
	}
	return os.WriteFile(p.saPub, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}), 0o644)
}
