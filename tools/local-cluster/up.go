package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
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
	// Restarts of kube-apiserver alone (SIGUSR1, `restart-apiserver`), counted once ready.
	APIServerRestarts int `json:"apiserverRestarts"`

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

// upRun is what the phases of one `up` share.
type upRun struct {
	o         upOptions
	t0        time.Time
	ctx       context.Context // ended by a signal or a dead component
	cancel    context.CancelCauseFunc
	statePath string
	st        *state
	pki       pki
	logDir    string
	spawn     *spawner
	mu        sync.Mutex // children and st once ready (restart-apiserver changes them)
	children  []*child   // in start order; stopped in reverse
}

// up runs the control plane in phases until a signal or a failing component ends it:
// PKI and kubeconfigs, etcd, kube-apiserver, kube-controller-manager, bootstrap.
func up(o upOptions) error {
	t0 := time.Now()
	if err := o.resolve(); err != nil {
		return err
	}
	r := &upRun{o: o, t0: t0, statePath: filepath.Join(o.dataDir, "state.json")}
	lock, err := acquireLock(filepath.Join(o.dataDir, "lock"))
	if err != nil {
		return err
	}
	defer lock.Close()
	r.endPreviousRun()

	r.ctx, r.cancel = context.WithCancelCause(context.Background())
	defer r.cancel(nil)
	defer r.cancelOnSignal()()
	restartSigs := notifyRestart()

	if err := r.choosePorts(); err != nil {
		return err
	}
	if err := r.writePKI(); err != nil {
		return err
	}
	etcdURL, stopEtcd, err := r.runEtcd()
	if err != nil {
		return err
	}
	defer stopEtcd()

	r.spawn = newSpawner()
	if r.o.exitWithParent {
		if err := r.spawn.exitWithParent(); err != nil {
			return fmt.Errorf("exit-with-parent: %w", err)
		}
	}
	defer r.stopChildren()
	adminCfg, err := r.runAPIServer(etcdURL)
	if err != nil {
		return err
	}
	if err := r.runControllerManager(); err != nil {
		return err
	}
	if err := r.runBootstrap(adminCfg); err != nil {
		return err
	}
	if err := r.waitControllerManager(); err != nil {
		return err
	}
	if err := r.markReady(adminCfg); err != nil {
		return err
	}
	defer r.restartAPIServerOnSignal(restartSigs, etcdURL, adminCfg)()

	<-r.ctx.Done()
	return runError(r.ctx, nil)
}

// resolve makes the data directory (absolute, created), finds the component binaries
// and checks the authentication config before anything starts.
func (o *upOptions) resolve() (err error) {
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
	for _, b := range []string{o.apiserverBin(), o.kcmBin()} {
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
	return nil
}

func (o *upOptions) apiserverBin() string { return filepath.Join(o.binDir, "kube-apiserver") }
func (o *upOptions) kcmBin() string       { return filepath.Join(o.binDir, "kube-controller-manager") }

// endPreviousRun: a previous supervisor killed with SIGKILL takes its children along
// (Pdeathsig); should any still run, end them before taking their ports.
func (r *upRun) endPreviousRun() {
	if old, err := readState(r.statePath); err == nil {
		killStale([]int{old.Pids["kubeControllerManager"], old.Pids["kubeApiserver"]}, r.o.dataDir)
		_ = os.Remove(r.statePath)
	}
}

// cancelOnSignal ends the run on SIGINT or SIGTERM; call the returned func to stop listening.
func (r *upRun) cancelOnSignal() (stop func()) {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	// A harness that closes our stdout/stderr pipes must not kill us mid-run.
	signal.Ignore(syscall.SIGPIPE)
	go func() {
		if s, ok := <-sigs; ok {
			logf("received %s, stopping", s)
			r.cancel(errSignal)
		}
	}()
	return func() { signal.Stop(sigs) }
}

// choosePorts fixes every port that is 0 to a free one. Every listener stays open until
// all four ports are chosen: closed one by one, the kernel may hand the same free port
// out twice (etcd and the controller manager once got the same one, and the controller
// manager failed to start).
func (r *upRun) choosePorts() error {
	o := &r.o
	var held []net.Listener
	defer func() {
		for _, h := range held {
			h.Close()
		}
	}()
	for _, p := range []*int{&o.port, &o.etcdPort, &o.etcdPeerPort, &o.kcmPort} {
		l, err := listenOn(*p)
		if err != nil {
			return err
		}
		held = append(held, l)
		*p = l.Addr().(*net.TCPAddr).Port
	}
	return nil
}

// newState makes the log directory and the state.json content of this run (written
// once a component starts).
func (r *upRun) newState() error {
	o := r.o
	r.logDir = filepath.Join(o.dataDir, "logs")
	if err := os.MkdirAll(r.logDir, 0o755); err != nil {
		return err
	}
	r.st = &state{
		DataDir:           o.dataDir,
		Server:            fmt.Sprintf("https://127.0.0.1:%d", o.port),
		Ports:             map[string]int{"apiserver": o.port, "etcdClient": o.etcdPort, "etcdPeer": o.etcdPeerPort, "controllerManager": o.kcmPort},
		Pids:              map[string]int{"supervisor": os.Getpid()},
		AdminKubeconfig:   filepath.Join(o.dataDir, "admin.kubeconfig"),
		BackendKubeconfig: filepath.Join(o.dataDir, "backend.kubeconfig"),
		BackendToken:      filepath.Join(o.dataDir, "backend.token"),
		CAFile:            filepath.Join(o.dataDir, "ca.crt"),
		Kubectl:           filepath.Join(o.binDir, "kubectl"),
		LogDir:            r.logDir,
		StartedAt:         r.t0,

		KubernetesReaderKubeconfig: filepath.Join(o.dataDir, "kubernetes-reader.kubeconfig"),
		KubernetesReaderToken:      filepath.Join(o.dataDir, "kubernetes-reader.token"),
	}
	return nil
}

// watch records a started component in state.json and ends the run when it exits.
func (r *upRun) watch(c *child) {
	r.children = append(r.children, c)
	r.st.Pids[pidKey(c.name)] = c.pid()
	_ = writeState(r.statePath, r.st)
	r.watchExit(c)
}

// watchExit ends the run when c exits, unless it was stopped to be replaced.
func (r *upRun) watchExit(c *child) {
	go func() {
		select {
		case <-c.exited:
			if !c.replaced.Load() {
				r.cancel(&childExited{c})
			}
		case <-r.ctx.Done():
		}
	}()
}

// stopChildren stops the components in reverse start order and removes state.json.
func (r *upRun) stopChildren() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := len(r.children) - 1; i >= 0; i-- {
		c := r.children[i]
		c.stop(r.o.stopGrace)
		logf("%s stopped", c.name)
	}
	_ = os.Remove(r.statePath)
}

// markReady records the server's version and readiness in state.json and tells the
// harness (the READY line on stdout).
func (r *upRun) markReady(adminCfg *rest.Config) error {
	st := r.st
	if client, err := kubernetes.NewForConfig(adminCfg); err == nil {
		if v, err := client.Discovery().ServerVersion(); err == nil {
			st.KubernetesVersion = v.GitVersion
		}
	}
	st.Ready = true
	st.ReadySeconds = time.Since(r.t0).Seconds()
	if err := writeState(r.statePath, st); err != nil {
		return err
	}
	logf("ready in %.1fs: Kubernetes %s at %s", st.ReadySeconds, st.KubernetesVersion, st.Server)
	logf("  kubectl --kubeconfig %s get ns", st.AdminKubeconfig)
	logf("  backend credential: %s, logs: %s", st.BackendKubeconfig, r.logDir)
	fmt.Printf("READY %s\n", st.AdminKubeconfig)
	return nil
}

// since is the time since up started, for the log.
func (r *upRun) since() time.Duration { return time.Since(r.t0).Round(time.Millisecond) }

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
