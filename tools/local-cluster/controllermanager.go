package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/http"
	"path/filepath"
	"strconv"
	"time"
)

// runControllerManager is up's fourth phase. It starts once the apiserver answers,
// because kube-controller-manager gives up if the apiserver is not healthy within 10s;
// waitControllerManager checks its health after the bootstrap.
func (r *upRun) runControllerManager() error {
	kcm, err := r.spawn.start("kube-controller-manager", r.o.kcmBin(), r.kcmArgs(), filepath.Join(r.logDir, "kube-controller-manager.log"))
	if err != nil {
		return err
	}
	r.watch(kcm)
	return nil
}

// kcmKubeconfig is the controller manager's client certificate kubeconfig (see writePKI).
func (r *upRun) kcmKubeconfig() string {
	return filepath.Join(r.o.dataDir, "controller-manager.kubeconfig")
}

func (r *upRun) kcmArgs() []string {
	p, kubeconfig := r.pki, r.kcmKubeconfig()
	args := []string{
		"--kubeconfig=" + kubeconfig,
		"--authentication-kubeconfig=" + kubeconfig,
		"--authorization-kubeconfig=" + kubeconfig,
		"--bind-address=127.0.0.1",
		"--secure-port=" + strconv.Itoa(r.o.kcmPort),
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
	return append(args, r.o.kcmArgs...)
}

func (r *upRun) waitControllerManager() error {
	if err := waitHealthz(r.ctx, r.o.kcmPort, r.o.readyTimeout); err != nil {
		return runError(r.ctx, fmt.Errorf("kube-controller-manager: %w", err))
	}
	return nil
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
