package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"k8s.io/client-go/rest"
)

// restartAPIServerOnSignal restarts kube-apiserver, and only it, on SIGUSR1: etcd and
// kube-controller-manager keep running, the port and certificates stay, so clients see
// the outage of a real API server restart. state.json says `ready: false` meanwhile and
// counts `apiserverRestarts` once the new one answers /readyz. A restart that fails ends
// the run like a dead component. Call the returned func to stop listening.
func (r *upRun) restartAPIServerOnSignal(sigs chan os.Signal, etcdURL string, adminCfg *rest.Config) (stop func()) {
	// A signal from before the cluster was ready is dropped: it was starting anyway.
	select {
	case <-sigs:
	default:
	}
	go func() {
		for {
			select {
			case <-sigs:
				if err := r.restartAPIServer(etcdURL, adminCfg); err != nil {
					r.cancel(fmt.Errorf("restart of kube-apiserver: %w", err))
					return
				}
			case <-r.ctx.Done():
				return
			}
		}
	}()
	return func() { signal.Stop(sigs) }
}

// notifyRestart catches SIGUSR1 from the start, so an early one does not kill the
// supervisor (Go's default for it).
func notifyRestart() chan os.Signal {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGUSR1)
	return sigs
}

func (r *upRun) restartAPIServer(etcdURL string, adminCfg *rest.Config) error {
	t0 := time.Now()
	var stopped time.Duration
	apiserver, err := func() (*child, error) {
		// Held while children change: a shutdown meanwhile stops the new one too.
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.ctx.Err() != nil {
			return nil, r.ctx.Err()
		}
		i := r.childIndex("kube-apiserver")
		if i < 0 {
			return nil, fmt.Errorf("no kube-apiserver to restart")
		}
		old := r.children[i]
		r.st.Ready = false
		_ = writeState(r.statePath, r.st)
		old.replaced.Store(true)
		logf("received SIGUSR1, restarting kube-apiserver (pid %d)", old.pid())
		old.stop(r.o.stopGrace)
		stopped = time.Since(t0)
		apiserver, err := r.spawn.start("kube-apiserver", r.o.apiserverBin(), r.apiserverArgs(etcdURL), filepath.Join(r.logDir, "kube-apiserver.log"))
		if err != nil {
			return nil, err
		}
		r.children[i] = apiserver
		r.st.Pids[pidKey(apiserver.name)] = apiserver.pid()
		r.watchExit(apiserver)
		return apiserver, nil
	}()
	if err != nil {
		return runError(r.ctx, err)
	}
	if err := waitReady(r.ctx, adminCfg, apiserver, r.o.readyTimeout); err != nil {
		return runError(r.ctx, err)
	}
	r.mu.Lock()
	r.st.Ready = true
	r.st.APIServerRestarts++
	err = writeState(r.statePath, r.st)
	r.mu.Unlock()
	if err != nil {
		return err
	}
	logf("kube-apiserver restarted (pid %d): stopped in %s, ready again %s after the signal",
		apiserver.pid(), stopped.Round(time.Millisecond), time.Since(t0).Round(time.Millisecond))
	return nil
}

func (r *upRun) childIndex(name string) int {
	for i, c := range r.children {
		if c.name == name {
			return i
		}
	}
	return -1
}

// runRestartAPIServer is `local-cluster restart-apiserver --data-dir DIR`: SIGUSR1 to
// the supervisor running on DIR, then waits until state.json counts the restart.
func runRestartAPIServer(args []string) int {
	fs := flag.NewFlagSet("restart-apiserver", flag.ExitOnError)
	dataDir := fs.String("data-dir", os.Getenv("LOCAL_CLUSTER_DATA_DIR"), "data directory of the running cluster (env LOCAL_CLUSTER_DATA_DIR)")
	timeout := fs.Duration("timeout", 3*time.Minute, "how long to wait for the new kube-apiserver to be ready")
	_ = fs.Parse(args)
	if *dataDir == "" {
		fmt.Fprintln(os.Stderr, "--data-dir is required")
		return 2
	}
	if err := restartAPIServerOf(*dataDir, *timeout); err != nil {
		fmt.Fprintln(os.Stderr, "local-cluster restart-apiserver:", err)
		return 1
	}
	return 0
}

func restartAPIServerOf(dataDir string, timeout time.Duration) error {
	lockPath := filepath.Join(dataDir, "lock")
	statePath := filepath.Join(dataDir, "state.json")
	if !lockHeld(lockPath) {
		return fmt.Errorf("no local-cluster is running on %s", dataDir)
	}
	before, err := readState(statePath)
	if err != nil || !before.Ready {
		return fmt.Errorf("the cluster on %s is not ready (state.json: %v)", dataDir, err)
	}
	data, err := os.ReadFile(lockPath)
	if err != nil {
		return err
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil || pid <= 0 {
		return fmt.Errorf("no pid in %s", lockPath)
	}
	t0 := time.Now()
	if err := syscall.Kill(pid, syscall.SIGUSR1); err != nil {
		return fmt.Errorf("signal pid %d: %w", pid, err)
	}
	for {
		st, err := readState(statePath)
		if err == nil && st.Ready && st.APIServerRestarts > before.APIServerRestarts {
			fmt.Fprintf(os.Stderr, "local-cluster: kube-apiserver restarted, ready after %s\n", time.Since(t0).Round(time.Millisecond))
			return nil
		}
		if !lockHeld(lockPath) {
			return fmt.Errorf("the supervisor on %s stopped during the restart; see %s", dataDir, filepath.Join(dataDir, "logs"))
		}
		if time.Since(t0) > timeout {
			return fmt.Errorf("kube-apiserver not ready again within %s", timeout)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
