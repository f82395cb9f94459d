// Command local-cluster runs a real Kubernetes control plane on 127.0.0.1:
// etcd (embedded), kube-apiserver and kube-controller-manager (child
// processes, built from upstream by build.sh), and bootstraps the KaaS
// backend's identity in it. See README.md.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"
)

func usage() {
	fmt.Fprint(os.Stderr, `Usage:
  local-cluster up   --data-dir DIR [flags]   run etcd, kube-apiserver, kube-controller-manager in the foreground
  local-cluster stop --data-dir DIR           stop a cluster started with 'up' on DIR (SIGTERM, waits)
  local-cluster restart-apiserver --data-dir DIR
                                              restart only its kube-apiserver (SIGUSR1), wait until it is ready again

Run 'local-cluster up -h' for the flags.
`)
}

func main() {
	if len(os.Args) < 2 {
		usage()
		os.Exit(2)
	}
	switch os.Args[1] {
	case "up":
		os.Exit(runUp(os.Args[2:]))
	case "stop":
		os.Exit(runStop(os.Args[2:]))
	case "restart-apiserver":
		os.Exit(runRestartAPIServer(os.Args[2:]))
	case "-h", "--help", "help":
		usage()
	default:
		fmt.Fprintf(os.Stderr, "unknown command %q\n", os.Args[1])
		usage()
		os.Exit(2)
	}
}

// logf writes a human line to stderr; stdout carries only the READY line.
func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "local-cluster %s "+format+"\n", append([]any{time.Now().Format("15:04:05.000")}, args...)...)
}

// stringList is a repeatable flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, " ") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func runStop(args []string) int {
	fs := flag.NewFlagSet("stop", flag.ExitOnError)
	dataDir := fs.String("data-dir", os.Getenv("LOCAL_CLUSTER_DATA_DIR"), "data directory of the running cluster (env LOCAL_CLUSTER_DATA_DIR)")
	timeout := fs.Duration("timeout", 60*time.Second, "how long to wait for it to stop")
	_ = fs.Parse(args)
	if *dataDir == "" {
		fmt.Fprintln(os.Stderr, "--data-dir is required")
		return 2
	}
	if err := stopRunning(*dataDir, *timeout); err != nil {
		fmt.Fprintln(os.Stderr, "local-cluster stop:", err)
		return 1
	}
	return 0
}
