package main

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"k8s.io/client-go/kubernetes"
)

const (
	serviceCIDR = "10.96.0.0/16"
	// First address of serviceCIDR: the `kubernetes` Service, a SAN of the serving cert.
	kubernetesServiceIP = "10.96.0.1"
	saIssuer            = "https://kubernetes.default.svc.cluster.local"
)

type upOptions struct {
	dataDir        string
	binDir         string
	port           int
	etcdPort       int
	etcdPeerPort   int
	kcmPort        int
	authnConfig    string
	apiserverArgs  stringList
	kcmArgs        stringList
	etcdNoFsync    bool
	readyTimeout   time.Duration
	stopGrace      time.Duration
	exitWithParent bool
}

// state is DIR/state.json: what a harness needs to use the running cluster.
type state struct {
	Ready             bool           `json:"ready"`
	DataDir           string         `json:"dataDir"`
	Server            string         `json:"server"`
	KubernetesVersion string         `json:"kubernetesVersion,omitempty"`
	Ports             map[string]int `json:"ports"`
	Pids              map[string]int `json:"pids"`
	AdminKubeconfig   string         `json:"adminKubeconfig"`
	BackendKubeconfig string         `json:"backendKubeconfig"`
	BackendToken      string         `json:"backendToken"`
	CAFile            string         `json:"caFile"`
	Kubectl           string         `json:"kubectl"`
	LogDir            string         `json:"logDir"`
	StartedAt         time.Time      `json:"startedAt"`
	ReadySeconds      float64        `json:"readySeconds,omitempty"`

	// Read-only credential of Backstage's core Kubernetes plugin (kubernetes-plugin-reader.yaml).
	KubernetesReaderKubeconfig string `json:"kubernetesReaderKubeconfig"`
	KubernetesReaderToken      string `json:"kubernetesReaderToken"`
}

var errSignal = errors.New("signal")

func runUp(args []string) int {
	var o upOptions
	fs := flag.NewFlagSet("up", flag.ExitOnError)
	fs.StringVar(&o.dataDir, "data-dir", os.Getenv("LOCAL_CLUSTER_DATA_DIR"), "where PKI, etcd data, kubeconfigs and logs live; reused on restart (env LOCAL_CLUSTER_DATA_DIR)")
	fs.StringVar(&o.binDir, "bin-dir", "", "directory with kube-apiserver and kube-controller-manager (default: beside this binary)")
	fs.IntVar(&o.port, "port", 6443, "kube-apiserver port on 127.0.0.1 (0: pick a free one)")
	fs.IntVar(&o.etcdPort, "etcd-port", 2479, "etcd client port on 127.0.0.1 (0: pick a free one)")
	fs.IntVar(&o.etcdPeerPort, "etcd-peer-port", 2480, "etcd peer port on 127.0.0.1 (0: pick a free one)")
	fs.IntVar(&o.kcmPort, "controller-manager-port", 10357, "kube-controller-manager secure (health) port on 127.0.0.1 (0: pick a free one)")
	fs.StringVar(&o.authnConfig, "authentication-config", "", "AuthenticationConfiguration file handed to kube-apiserver --authentication-config (e.g. an OIDC issuer)")
	fs.Var(&o.apiserverArgs, "apiserver-arg", "extra kube-apiserver flag, e.g. --apiserver-arg=--v=2 (repeatable)")
	fs.Var(&o.kcmArgs, "controller-manager-arg", "extra kube-controller-manager flag (repeatable)")
	fs.BoolVar(&o.etcdNoFsync, "etcd-unsafe-no-fsync", false, "skip fsync in etcd: faster for throw-away test clusters, loses data on a machine crash")
	fs.DurationVar(&o.readyTimeout, "ready-timeout", 3*time.Minute, "give up if the cluster is not ready within this time")
	fs.DurationVar(&o.stopGrace, "stop-timeout", 20*time.Second, "per process: time between SIGTERM and SIGKILL on shutdown")
	fs.BoolVar(&o.exitWithParent, "exit-with-parent", false, "stop the cluster (cleanly) when the process that started this one dies; for test harnesses")
	_ = fs.Parse(args)
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "unexpected arguments: %v\n", fs.Args())
		return 2
	}
	if o.dataDir == "" {
		fmt.Fprintln(os.Stderr, "--data-dir is required")
		return 2
	}
	if err := up(o); err != nil {
		if errors.Is(err, errSignal) {
			return 0
		}
		logf("error: %v", err)
		return 1
	}
	return 0
}

func up(o upOptions) (err error) {
	t0 := time.Now()
	if o.dataDir, err = filepath.Abs(o.dataDir); err != nil {
		return err
	}
	if err := os.MkdirAll(o.dataDir, 0o700); err != nil {
		return err
	}
	if o.binDir == "" {
		exe, err := os.Executable()
		if err != nil {
			return err
		}
		o.binDir = filepath.Dir(exe)
	}
	apiserverBin := filepath.Join(o.binDir, "kube-apiserver")
	kcmBin := filepath.Join(o.binDir, "kube-controller-manager")
	for _, b := range []string{apiserverBin, kcmBin} {
		if !fileExists(b) {
			return fmt.Errorf("%s not found: run tools/local-cluster/build.sh (or pass --bin-dir)", b)
		}
	}
	if o.authnConfig != "" {
		if o.authnConfig, err = filepath.Abs(o.authnConfig); err != nil {
			return err
		}
		if !fileExists(o.authnConfig) {
			return fmt.Errorf("--authentication-config %s: file not found", o.authnConfig)
		}
	}

	lock, err := acquireLock(filepath.Join(o.dataDir, "lock"))
	if err != nil {
		return err
	}
	defer lock.Close()

	// A previous supervisor killed with SIGKILL takes its children along
	// (Pdeathsig); should any still run, end them before taking their ports.
	statePath := filepath.Join(o.dataDir, "state.json")
	if old, err := readState(statePath); err == nil {
		killStale([]int{old.Pids["kubeControllerManager"], old.Pids["kubeApiserver"]}, o.dataDir)
		_ = os.Remove(statePath)
	}

	// Signals and child failures both end the run through this context.
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(sigs)
	// A harness that closes our stdout/stderr pipes must not kill us mid-run.
	signal.Ignore(syscall.SIGPIPE)
	go func() {
		if s, ok := <-sigs; ok {
			logf("received %s, stopping", s)
			cancel(errSignal)
		}
	}()

	// Every listener stays open until all four ports are chosen: closed one by one, the
	// kernel may hand the same free port out twice (etcd and the controller manager
	// once got the same one, and the controller manager failed to start).
	var held []net.Listener
	for _, p := range []*int{&o.port, &o.etcdPort, &o.etcdPeerPort, &o.kcmPort} {
		l, err := listenOn(*p)
		if err != nil {
			for _, h := range held {
				h.Close()
			}
			return err
		}
		held = append(held, l)
		*p = l.Addr().(*net.TCPAddr).Port
	}
	for _, h := range held {
		h.Close()
	}

	p := pki{dir: filepath.Join(o.dataDir, "pki")}
	if err := p.ensure(net.ParseIP(kubernetesServiceIP)); err != nil {
		return fmt.Errorf("pki: %w", err)
	}
	logDir := filepath.Join(o.dataDir, "logs")
	if err := os.MkdirAll(logDir, 0o755); err != nil {
		return err
	}
	server := fmt.Sprintf("https://127.0.0.1:%d", o.port)
	st := &state{
		DataDir:           o.dataDir,
		Server:            server,
		Ports:             map[string]int{"apiserver": o.port, "etcdClient": o.etcdPort, "etcdPeer": o.etcdPeerPort, "controllerManager": o.kcmPort},
		Pids:              map[string]int{"supervisor": os.Getpid()},
		AdminKubeconfig:   filepath.Join(o.dataDir, "admin.kubeconfig"),
		BackendKubeconfig: filepath.Join(o.dataDir, "backend.kubeconfig"),
		BackendToken:      filepath.Join(o.dataDir, "backend.token"),
		CAFile:            filepath.Join(o.dataDir, "ca.crt"),
		Kubectl:           filepath.Join(o.binDir, "kubectl"),
		LogDir:            logDir,
		StartedAt:         t0,

		KubernetesReaderKubeconfig: filepath.Join(o.dataDir, "kubernetes-reader.kubeconfig"),
		KubernetesReaderToken:      filepath.Join(o.dataDir, "kubernetes-reader.token"),
	}
	caPEM, err := os.ReadFile(p.CACert())
	if err != nil {
		return err
	}
	if err := writeFileAtomic(st.CAFile, caPEM, 0o644); err != nil {
		return err
	}
	if err := writeKubeconfig(st.AdminKubeconfig, server, p.CACert(), kubeconfigUser{
		name: "kaas-admin", context: "kaas-local-admin", certFile: p.Cert("admin"), keyFile: p.Key("admin"),
	}); err != nil {
		return err
	}
	kcmKubeconfig := filepath.Join(o.dataDir, "controller-manager.kubeconfig")
	if err := writeKubeconfig(kcmKubeconfig, server, p.CACert(), kubeconfigUser{
		name: "kube-controller-manager", context: "kaas-local-controller-manager",
		certFile: p.Cert("controller-manager"), keyFile: p.Key("controller-manager"),
	}); err != nil {
		return err
	}

	// etcd
	etcd, etcdURL, err := startEtcd(etcdOptions{
		dataDir: filepath.Join(o.dataDir, "etcd"), logFile: filepath.Join(logDir, "etcd.log"),
		clientPort: o.etcdPort, peerPort: o.etcdPeerPort, pki: p, noFsync: o.etcdNoFsync, startupWait: time.Minute,
	})
	if err != nil {
		return err
	}
	defer func() {
		etcd.Close()
		logf("etcd stopped")
	}()
	go func() {
		select {
		case e := <-etcd.Err():
			if e != nil {
				cancel(fmt.Errorf("etcd: %w", e))
			}
		case <-ctx.Done():
		}
	}()
	logf("etcd ready on %s (%s)", etcdURL, time.Since(t0).Round(time.Millisecond))

	spawn := newSpawner()
	if o.exitWithParent {
		if err := spawn.exitWithParent(); err != nil {
			return fmt.Errorf("exit-with-parent: %w", err)
		}
	}
	var children []*child // in start order; stopped in reverse
	defer func() {
		for i := len(children) - 1; i >= 0; i-- {
			c := children[i]
			c.stop(o.stopGrace)
			logf("%s stopped", c.name)
		}
		_ = os.Remove(statePath)
	}()
	watch := func(c *child) {
		children = append(children, c)
		st.Pids[pidKey(c.name)] = c.pid()
		_ = writeState(statePath, st)
		go func() {
			select {
			case <-c.exited:
				cancel(&childExited{c})
			case <-ctx.Done():
			}
		}()
	}

	// kube-apiserver
	apiserverArgs := []string{
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		"--secure-port=" + strconv.Itoa(o.port),
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
	if o.authnConfig != "" {
		apiserverArgs = append(apiserverArgs, "--authentication-config="+o.authnConfig)
	}
	apiserverArgs = append(apiserverArgs, o.apiserverArgs...)
	apiserver, err := spawn.start("kube-apiserver", apiserverBin, apiserverArgs, filepath.Join(logDir, "kube-apiserver.log"))
	if err != nil {
		return err
	}
	watch(apiserver)

	adminCfg, err := restConfigFromKubeconfig(st.AdminKubeconfig)
	if err != nil {
		return err
	}
	if err := waitReady(ctx, adminCfg, apiserver, o.readyTimeout); err != nil {
		return runError(ctx, err)
	}
	logf("kube-apiserver ready on %s (%s)", server, time.Since(t0).Round(time.Millisecond))

	// kube-controller-manager: started once the apiserver answers, because it
	// gives up if the apiserver is not healthy within 10s.
	kcmArgs := []string{
		"--kubeconfig=" + kcmKubeconfig,
		"--authentication-kubeconfig=" + kcmKubeconfig,
		"--authorization-kubeconfig=" + kcmKubeconfig,
		"--bind-address=127.0.0.1",
		"--secure-port=" + strconv.Itoa(o.kcmPort),
		"--service-account-private-key-file=" + p.SAKey(),
		"--root-ca-file=" + p.CACert(),
		"--cluster-signing-cert-file=" + p.CACert(),
		"--cluster-signing-key-file=" + p.CAKey(),
		"--use-service-account-credentials=true",
		"--controllers=*",
		"--leader-elect=false",
		"--cluster-name=" + clusterName,
		"--service-cluster-ip-range=" + serviceCIDR,
		"--profiling=false",
	}
	kcmArgs = append(kcmArgs, o.kcmArgs...)
	kcm, err := spawn.start("kube-controller-manager", kcmBin, kcmArgs, filepath.Join(logDir, "kube-controller-manager.log"))
	if err != nil {
		return err
	}
	watch(kcm)

	tokens, err := bootstrap(ctx, adminCfg)
	if err != nil {
		return runError(ctx, fmt.Errorf("bootstrap: %w", err))
	}
	if err := writeFileAtomic(st.BackendToken, tokens.backend, 0o600); err != nil {
		return err
	}
	if err := writeKubeconfig(st.BackendKubeconfig, server, p.CACert(), kubeconfigUser{
		name: "backstage-kaas", context: "kaas-local-backend", token: string(tokens.backend),
	}); err != nil {
		return err
	}
	if err := writeFileAtomic(st.KubernetesReaderToken, tokens.kubernetesReader, 0o600); err != nil {
		return err
	}
	if err := writeKubeconfig(st.KubernetesReaderKubeconfig, server, p.CACert(), kubeconfigUser{
		name: "backstage-kubernetes-reader", context: "kaas-local-kubernetes-reader", token: string(tokens.kubernetesReader),
	}); err != nil {
		return err
	}
	if err := waitHealthz(ctx, o.kcmPort, o.readyTimeout); err != nil {
		return runError(ctx, fmt.Errorf("kube-controller-manager: %w", err))
	}
	if client, err := kubernetes.NewForConfig(adminCfg); err == nil {
		if v, err := client.Discovery().ServerVersion(); err == nil {
			st.KubernetesVersion = v.GitVersion
		}
	}

	st.Ready = true
	st.ReadySeconds = time.Since(t0).Seconds()
	if err := writeState(statePath, st); err != nil {
		return err
	}
	logf("ready in %.1fs: Kubernetes %s at %s", st.ReadySeconds, st.KubernetesVersion, server)
	logf("  kubectl --kubeconfig %s get ns", st.AdminKubeconfig)
	logf("  backend credential: %s, logs: %s", st.BackendKubeconfig, logDir)
	fmt.Printf("READY %s\n", st.AdminKubeconfig)

	<-ctx.Done()
	return runError(ctx, nil)
}

// childExited is the cancel cause when a component dies on its own.
type childExited struct{ c *child }

func (e *childExited) Error() string {
	return fmt.Sprintf("%s exited unexpectedly (%v); last lines of %s:\n%s", e.c.name, e.c.err, e.c.logPath, e.c.tail(40))
}

// runError prefers the reason the run was cancelled (a signal, a dead child)
// over the error a waiting step returned because of it.
func runError(ctx context.Context, err error) error {
	if cause := context.Cause(ctx); cause != nil {
		return cause
	}
	return err
}

func pidKey(name string) string {
	switch name {
	case "kube-apiserver":
		return "kubeApiserver"
	case "kube-controller-manager":
		return "kubeControllerManager"
	}
	return name
}

// listenOn listens on port p of 127.0.0.1, or on a free port when p is 0.
func listenOn(p int) (net.Listener, error) {
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
	if err != nil {
		return nil, fmt.Errorf("port %d on 127.0.0.1 is in use (pick another with the port flags, or 0 for a free one): %w", p, err)
	}
	return l, nil
}

// waitHealthz polls kube-controller-manager's /healthz (always allowed, served
// with a self-signed certificate on loopback).
func waitHealthz(ctx context.Context, port int, timeout time.Duration) error {
	client := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, Proxy: nil,
	}}
	url := fmt.Sprintf("https://127.0.0.1:%d/healthz", port)
	deadline := time.Now().Add(timeout)
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("%s: %s", url, resp.Status)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not healthy after %s: %v", timeout, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

func writeState(path string, st *state) error {
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(path, append(data, '\n'), 0o644)
}

func readState(path string) (*state, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var st state
	return &st, json.Unmarshal(data, &st)
}
