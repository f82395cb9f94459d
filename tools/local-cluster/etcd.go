package main

import (
	"fmt"
	"net/url"
	"path/filepath"
	"time"

	"go.etcd.io/etcd/client/pkg/v3/transport"
	"go.etcd.io/etcd/server/v3/embed"
)

type etcdOptions struct {
	dataDir     string
	logFile     string
	clientPort  int
	peerPort    int
	pki         pki
	noFsync     bool
	startupWait time.Duration
}

// runEtcd is up's second phase: etcd inside this process, ending the run should it
// fail. stop closes it.
func (r *upRun) runEtcd() (etcdURL string, stop func(), err error) {
	etcd, etcdURL, err := startEtcd(etcdOptions{
		dataDir: filepath.Join(r.o.dataDir, "etcd"), logFile: filepath.Join(r.logDir, "etcd.log"),
		clientPort: r.o.etcdPort, peerPort: r.o.etcdPeerPort, pki: r.pki, noFsync: r.o.etcdNoFsync, startupWait: time.Minute,
	})
	if err != nil {
		return "", nil, err
	}
	go func() {
		select {
		case e := <-etcd.Err():
			if e != nil {
				r.cancel(fmt.Errorf("etcd: %w", e))
			}
		case <-r.ctx.Done():
		}
	}()
	logf("etcd ready on %s (%s)", etcdURL, r.since())
	return etcdURL, func() {
		etcd.Close()
		logf("etcd stopped")
	}, nil
}

// startEtcd runs a single-member etcd inside this process, on loopback only,
// with mutual TLS on both ports (its own CA: see pki.ensure).
func startEtcd(o etcdOptions) (*embed.Etcd, string, error) {
	clientURL := url.URL{Scheme: "https", Host: fmt.Sprintf("127.0.0.1:%d", o.clientPort)}
	peerURL := url.URL{Scheme: "https", Host: fmt.Sprintf("127.0.0.1:%d", o.peerPort)}

	rotateLog(o.logFile)
	cfg := embed.NewConfig()
	cfg.Name = "kaas-local"
	cfg.Dir = o.dataDir
	cfg.ListenClientUrls = []url.URL{clientURL}
	cfg.AdvertiseClientUrls = []url.URL{clientURL}
	cfg.ListenPeerUrls = []url.URL{peerURL}
	cfg.AdvertisePeerUrls = []url.URL{peerURL}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	cfg.ListenMetricsUrls = nil
	cfg.Logger = "zap"
	cfg.LogLevel = "warn"
	cfg.LogOutputs = []string{o.logFile}
	cfg.UnsafeNoFsync = o.noFsync
	tls := func(ti *transport.TLSInfo) {
		ti.CertFile = o.pki.Cert("etcd-server")
		ti.KeyFile = o.pki.Key("etcd-server")
		ti.TrustedCAFile = o.pki.EtcdCACert()
		ti.ClientCertAuth = true
	}
	tls(&cfg.ClientTLSInfo)
	tls(&cfg.PeerTLSInfo)

	e, err := embed.StartEtcd(cfg)
	if err != nil {
		return nil, "", err
	}
	select {
	case <-e.Server.ReadyNotify():
		return e, clientURL.String(), nil
	case err := <-e.Err():
		e.Close()
		return nil, "", fmt.Errorf("etcd failed to start: %w", err)
	case <-time.After(o.startupWait):
		e.Close()
		return nil, "", fmt.Errorf("etcd not ready after %s (see %s)", o.startupWait, o.logFile)
	}
}
