package main

import (
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

// pki holds the paths of every key and certificate in DIR/pki. Files are
// created on first start and reused afterwards, so kubeconfigs and tokens
// handed out earlier stay valid across restarts.
type pki struct {
	dir string
}

const (
	caValidity   = 10 * 365 * 24 * time.Hour
	leafValidity = 2 * 365 * 24 * time.Hour
	// A leaf certificate closer than this to its expiry is issued anew on start.
	renewBefore = 30 * 24 * time.Hour
)

func (p pki) path(name string) string { return filepath.Join(p.dir, name) }

func (p pki) CACert() string          { return p.path("ca.crt") }
func (p pki) CAKey() string           { return p.path("ca.key") }
func (p pki) EtcdCACert() string      { return p.path("etcd-ca.crt") }
func (p pki) SAKey() string           { return p.path("sa.key") }
func (p pki) SAPub() string           { return p.path("sa.pub") }
func (p pki) Cert(name string) string { return p.path(name + ".crt") }
func (p pki) Key(name string) string  { return p.path(name + ".key") }

type leafSpec struct {
	name   string
	ca     string // "ca", "etcd-ca" or "front-proxy-ca"
	cn     string
	orgs   []string
	server bool
	client bool
	dns    []string
	ips    []net.IP
}

// writePKI is up's first phase: the certificates (kept across restarts), the log
// directory and state of this run, the CA file and the admin's and controller
// manager's kubeconfigs.
func (r *upRun) writePKI() error {
	r.pki = pki{dir: filepath.Join(r.o.dataDir, "pki")}
	p := r.pki
	if err := p.ensure(net.ParseIP(kubernetesServiceIP)); err != nil {
		return fmt.Errorf("pki: %w", err)
	}
	if err := r.newState(); err != nil {
		return err
	}
	caPEM, err := os.ReadFile(p.CACert())
	if err != nil {
		return err
	}
	if err := writeFileAtomic(r.st.CAFile, caPEM, 0o644); err != nil {
		return err
	}
	if err := writeKubeconfig(r.st.AdminKubeconfig, r.st.Server, p.CACert(), kubeconfigUser{
		name: "kaas-admin", context: "kaas-local-admin", certFile: p.Cert("admin"), keyFile: p.Key("admin"),
	}); err != nil {
		return err
	}
	return writeKubeconfig(r.kcmKubeconfig(), r.st.Server, p.CACert(), kubeconfigUser{
		name: "kube-controller-manager", context: "kaas-local-controller-manager",
		certFile: p.Cert("controller-manager"), keyFile: p.Key("controller-manager"),
	})
}

// ensure creates whatever is missing: the cluster CA (also the signer of
// kube-controller-manager's CSR signing), a separate CA for etcd (so no
// certificate a cluster user can obtain through a CSR opens etcd), the
// front-proxy CA of the aggregation layer, leaf certificates and the
// service-account signing key pair.
func (p pki) ensure(serviceIP net.IP) error {
	if err := os.MkdirAll(p.dir, 0o700); err != nil {
		return err
	}
	for _, ca := range []struct{ name, cn string }{{"ca", "kaas-local-ca"}, {"etcd-ca", "kaas-local-etcd-ca"}, {"front-proxy-ca", "kaas-local-front-proxy-ca"}} {
		if err := p.ensureCA(ca.name, ca.cn); err != nil {
			return fmt.Errorf("%s: %w", ca.name, err)
		}
	}
	loopback := []net.IP{net.ParseIP("127.0.0.1")}
	leaves := []leafSpec{
		{name: "apiserver", ca: "ca", cn: "kube-apiserver", server: true,
			dns: []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"},
			ips: append([]net.IP{serviceIP}, loopback...)},
		{name: "admin", ca: "ca", cn: "kaas-admin", orgs: []string{"system:masters"}, client: true},
		{name: "controller-manager", ca: "ca", cn: "system:kube-controller-manager", client: true},
		{name: "etcd-server", ca: "etcd-ca", cn: "kaas-local-etcd", server: true, client: true,
			dns: []string{"localhost"}, ips: loopback},
		{name: "apiserver-etcd-client", ca: "etcd-ca", cn: "kube-apiserver-etcd-client", client: true},
		// How kube-apiserver proves itself to aggregated API servers (and what
		// kube-controller-manager's delegated authentication expects to find).
		{name: "front-proxy-client", ca: "front-proxy-ca", cn: "front-proxy-client", client: true},
	}
	for _, l := range leaves {
		if err := p.ensureLeaf(l); err != nil {
			return fmt.Errorf("%s: %w", l.name, err)
		}
	}
	return p.ensureSAKey()
}

func (p pki) ensureCA(name, cn string) error {
	if fileExists(p.Cert(name)) && fileExists(p.Key(name)) {
		return nil
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          randomSerial(),
		Subject:               pkix.Name{CommonName: cn, Organization: []string{"kaas-local"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(caValidity),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return err
	}
	return writeKeyPair(p.Cert(name), p.Key(name), der, key)
}

func (p pki) ensureLeaf(l leafSpec) error {
	if cert, err := readCert(p.Cert(l.name)); err == nil && fileExists(p.Key(l.name)) &&
		time.Until(cert.NotAfter) > renewBefore {
		return nil
	}
	caCert, err := readCert(p.Cert(l.ca))
	if err != nil {
		return err
	}
	caKey, err := readKey(p.Key(l.ca))
	if err != nil {
		return err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: randomSerial(),
		Subject:      pkix.Name{CommonName: l.cn, Organization: l.orgs},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(leafValidity),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		DNSNames:     l.dns,
		IPAddresses:  l.ips,
	}
	if l.server {
		tmpl.ExtKeyUsage = append(tmpl.ExtKeyUsage, x509.ExtKeyUsageServerAuth)
	}
	if l.client {
		tmpl.ExtKeyUsage = append(tmpl.ExtKeyUsage, x509.ExtKeyUsageClientAuth)
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, key.Public(), caKey)
	if err != nil {
		return err
	}
	return writeKeyPair(p.Cert(l.name), p.Key(l.name), der, key)
}

// ensureSAKey creates the RSA key that signs service-account tokens (RS256,
// what every JWT consumer understands) and its public half for verification.
func (p pki) ensureSAKey() error {
	if fileExists(p.SAKey()) && fileExists(p.SAPub()) {
		return nil
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return err
	}
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return err
	}
	if err := writePEM(p.SAKey(), "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(key), 0o600); err != nil {
		return err
	}
	return writePEM(p.SAPub(), "PUBLIC KEY", pub, 0o644)
}

func randomSerial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		panic(err)
	}
	return n
}

func writeKeyPair(certPath, keyPath string, der []byte, key *ecdsa.PrivateKey) error {
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return err
	}
	if err := writePEM(keyPath, "EC PRIVATE KEY", keyDER, 0o600); err != nil {
		return err
	}
	return writePEM(certPath, "CERTIFICATE", der, 0o644)
}

func writePEM(path, typ string, der []byte, mode os.FileMode) error {
	return writeFileAtomic(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), mode)
}

func readCert(path string) (*x509.Certificate, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, fmt.Errorf("%s: no PEM certificate", path)
	}
	return x509.ParseCertificate(block.Bytes)
}

func readKey(path string) (crypto.Signer, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, fmt.Errorf("%s: no PEM key", path)
	}
	switch block.Type {
	case "EC PRIVATE KEY":
		return x509.ParseECPrivateKey(block.Bytes)
	case "RSA PRIVATE KEY":
		return x509.ParsePKCS1PrivateKey(block.Bytes)
	}
	return nil, fmt.Errorf("%s: unsupported key type %q", path, block.Type)
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// writeFileAtomic writes via a temporary file and rename, so a reader (or a
// killed start) never sees half a file.
func writeFileAtomic(path string, data []byte, mode os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
