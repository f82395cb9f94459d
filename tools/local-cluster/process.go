package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// child is one Kubernetes component run as a separate process: its own
// globals (flags, klog, metrics registries) and its own RSS.
type child struct {
	name    string
	cmd     *exec.Cmd
	logPath string
	exited  chan struct{} // closed when the process has exited
	err     error         // Wait's result, valid after exited is closed
	// replaced: stopped on purpose to start a new one (restart-apiserver), not a failure.
	replaced atomic.Bool
}

// spawner starts children from one OS thread that stays locked for the life
// of the process: Pdeathsig fires when the *thread* that forked the child
// exits, so this guarantees children get SIGKILL exactly when the supervisor
// dies (also on `kill -9`), and never earlier.
type spawner struct {
	reqs chan spawnReq
}

type spawnReq struct {
	cmd  *exec.Cmd
	fn   func() error // instead of cmd: run fn on the locked thread
	done chan error
}

func newSpawner() *spawner {
	s := &spawner{reqs: make(chan spawnReq)}
	go func() {
		runtime.LockOSThread() // never unlocked: the thread lives as long as we do
		for r := range s.reqs {
			if r.fn != nil {
				r.done <- r.fn()
			} else {
				r.done <- r.cmd.Start()
			}
		}
	}()
	return s
}

// exitWithParent asks the kernel to send us SIGTERM when our parent (a test
// runner, say) dies, so a crashed harness leaves no cluster behind. Set on the
// locked thread, which lives as long as the process.
func (s *spawner) exitWithParent() error {
	ppid := os.Getppid()
	done := make(chan error)
	s.reqs <- spawnReq{done: done, fn: func() error {
		const prSetPdeathsig = 1
		if _, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, prSetPdeathsig, uintptr(syscall.SIGTERM), 0); errno != 0 {
			return errno
		}
		if os.Getppid() != ppid { // the parent died before prctl
			return syscall.Kill(os.Getpid(), syscall.SIGTERM)
		}
		return nil
	}}
	return <-done
}

func (s *spawner) start(name, binary string, args []string, logPath string) (*child, error) {
	rotateLog(logPath)
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, err
	}
	defer logFile.Close() // the child holds its own descriptor
	cmd := exec.Command(binary, args...)
	cmd.Stdin = nil
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	cmd.Env = childEnv()
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
	fmt.Fprintf(logFile, "# %s %s\n", binary, strings.Join(args, " "))
	done := make(chan error)
	s.reqs <- spawnReq{cmd: cmd, done: done}
	if err := <-done; err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	c := &child{name: name, cmd: cmd, logPath: logPath, exited: make(chan struct{})}
	go func() {
		c.err = cmd.Wait()
		close(c.exited)
	}()
	return c, nil
}

// childEnv drops variables that would make a component talk to another
// cluster or proxy loopback traffic.
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch strings.ToUpper(k) {
		case "KUBECONFIG", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY":
			continue
		}
		env = append(env, kv)
	}
	return env
}

func (c *child) pid() int { return c.cmd.Process.Pid }

func (c *child) running() bool {
	select {
	case <-c.exited:
		return false
	default:
		return true
	}
}

// stop sends SIGTERM, waits up to grace, then SIGKILLs.
func (c *child) stop(grace time.Duration) {
	if !c.running() {
		return
	}
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.exited:
	case <-time.After(grace):
		logf("%s did not stop within %s; killing it", c.name, grace)
		_ = c.cmd.Process.Kill()
		<-c.exited
	}
}

// tail returns the last n lines of the child's log.
func (c *child) tail(n int) string {
	data, err := os.ReadFile(c.logPath)
	if err != nil {
		return fmt.Sprintf("(cannot read %s: %v)", c.logPath, err)
	}
	lines := bytes.Split(bytes.TrimRight(data, "\n"), []byte("\n"))
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return string(bytes.Join(lines, []byte("\n")))
}

// rotateLog keeps the previous run's log as <name>.log.prev.
func rotateLog(path string) {
	if fileExists(path) {
		_ = os.Rename(path, path+".prev")
	}
}

// killStale ends processes left by an earlier supervisor that died without
// cleaning up (normally impossible thanks to Pdeathsig; belt and braces).
// Only pids whose command line is one of our binaries and mentions dataDir
// are touched.
func killStale(pids []int, dataDir string) {
	for _, pid := range pids {
		if pid <= 0 || pid == os.Getpid() {
			continue
		}
		cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		if err != nil {
			continue
		}
		s := string(bytes.ReplaceAll(cmdline, []byte{0}, []byte{' '}))
		if !strings.Contains(s, dataDir) ||
			!(strings.Contains(s, "kube-apiserver") || strings.Contains(s, "kube-controller-manager")) {
			continue
		}
		logf("killing stale process %d from a previous run", pid)
		_ = syscall.Kill(pid, syscall.SIGKILL)
		for i := 0; i < 50 && fileExists(fmt.Sprintf("/proc/%d", pid)); i++ {
			time.Sleep(100 * time.Millisecond)
		}
	}
}
