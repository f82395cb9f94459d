package main

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// runAPIServer is up's third phase: kube-apiserver on etcd, returning the admin's
// client config once /readyz answers ok.
func (r *upRun) runAPIServer(etcdURL string) (*rest.Config, error) {
	apiserver, err := r.spawn.start("kube-apiserver", r.o.apiserverBin(), r.apiserverArgs(etcdURL), filepath.Join(r.logDir, "kube-apiserver.log"))
	if err != nil {
		return nil, err
	}
	r.watch(apiserver)

	adminCfg, err := restConfigFromKubeconfig(r.st.AdminKubeconfig)
	if err != nil {
		return nil, err
	}
	if err := waitReady(r.ctx, adminCfg, apiserver, r.o.readyTimeout); err != nil {
		return nil, runError(r.ctx, err)
	}
	logf("kube-apiserver ready on %s (%s)", r.st.Server, r.since())
	return adminCfg, nil
}

func (r *upRun) apiserverArgs(etcdURL string) []string {
	p := r.pki
	args := []string{
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		"--secure-port=" + strconv.Itoa(r.o.port),
		// Endpoints may not hold loopback addresses, so the `kubernetes`
		// Service gets no endpoints (nothing in-cluster needs them here).
		"--endpoint-reconciler-type=none",
		"--tls-cert-file=" + p.Cert("apiserver"),
		"--tls-private-key-file=" + p.Key("apiserver"),
		"--client-ca-file=" + p.CACert(),
		"--etcd-servers=" + etcdURL,
		"--etcd-cafile=" + p.EtcdCACert(),
		"--etcd-certfile=" + p.Cert("apiserver-etcd-client"),
		"--etcd-keyfile=" + p.Key("apiserver-etcd-client"),
		"--requestheader-client-ca-file=" + p.Cert("front-proxy-ca"),
		"--requestheader-allowed-names=front-proxy-client",
		"--requestheader-username-headers=X-Remote-User",
		"--requestheader-group-headers=X-Remote-Group",
		"--requestheader-extra-headers-prefix=X-Remote-Extra-",
		"--proxy-client-cert-file=" + p.Cert("front-proxy-client"),
		"--proxy-client-key-file=" + p.Key("front-proxy-client"),
		"--service-account-issuer=" + saIssuer,
		"--service-account-key-file=" + p.SAPub(),
		"--service-account-signing-key-file=" + p.SAKey(),
		// No TokenRequest outlives the longest kubeconfig the platform issues
		// (kaas.kubeconfig.maxTtl, 8h by default); kubelets' projected tokens keep
		// the lifetime they ask for instead of being stretched to a year.
		"--service-account-max-token-expiration=8h",
		"--service-account-extend-token-expiration=false",
		"--authorization-mode=Node,RBAC",
		"--service-cluster-ip-range=" + serviceCIDR,
		"--enable-admission-plugins=NamespaceLifecycle,LimitRanger,ServiceAccount,ResourceQuota,PodSecurity,DefaultStorageClass,NodeRestriction",
		"--allow-privileged=true",
		"--profiling=false",
	}
	if r.o.authnConfig != "" {
		args = append(args, "--authentication-config="+r.o.authnConfig)
	}
	return append(args, r.o.apiserverArgs...)
}

// waitReady polls the apiserver's /readyz until it answers ok, the context
// ends, or the apiserver process exits.
func waitReady(ctx context.Context, cfg *rest.Config, apiserver *child, timeout time.Duration) error {
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	deadline := time.Now().Add(timeout)
	var last error
	for {
		reqCtx, cancel := context.WithTimeout(ctx, 2*time.Second)
		body, err := client.Discovery().RESTClient().Get().AbsPath("/readyz").DoRaw(reqCtx)
		cancel()
		if err == nil && bytes.Equal(bytes.TrimSpace(body), []byte("ok")) {
			return nil
		}
		last = err
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-apiserver.exited:
			return &childExited{apiserver}
		case <-time.After(250 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("kube-apiserver not ready after %s: %v", timeout, last)
		}
	}
}
