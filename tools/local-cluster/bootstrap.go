package main

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
)

// backendRBAC is the identity and least-privilege ClusterRole of the KaaS
// backend; the same file is meant for real clusters (kubectl apply --server-side).
//
//go:embed manifests/backend-rbac.yaml
var backendRBAC []byte

const (
	backendNamespace   = "kaas-system"
	backendTokenSecret = "backstage-kaas-token"
	fieldManager       = "kaas-local-cluster"
)

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

// bootstrap applies the embedded manifest with server-side apply (idempotent:
// a re-run changes nothing) and returns the backend's token once the token
// controller of kube-controller-manager has filled the Secret.
func bootstrap(ctx context.Context, cfg *rest.Config) (token []byte, err error) {
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	disc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return nil, err
	}
	groups, err := restmapper.GetAPIGroupResources(disc)
	if err != nil {
		return nil, fmt.Errorf("discovery: %w", err)
	}
	mapper := restmapper.NewDiscoveryRESTMapper(groups)

	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(backendRBAC), 4096)
	for {
		var obj unstructured.Unstructured
		if err := dec.Decode(&obj.Object); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return nil, fmt.Errorf("manifest: %w", err)
		}
		if len(obj.Object) == 0 {
			continue
		}
		gvk := obj.GroupVersionKind()
		m, err := mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", gvk, err)
		}
		var ri dynamic.ResourceInterface = dyn.Resource(m.Resource)
		if obj.GetNamespace() != "" {
			ri = dyn.Resource(m.Resource).Namespace(obj.GetNamespace())
		}
		if _, err := ri.Apply(ctx, obj.GetName(), &obj, metav1.ApplyOptions{FieldManager: fieldManager, Force: true}); err != nil {
			return nil, fmt.Errorf("apply %s %s: %w", obj.GetKind(), obj.GetName(), err)
		}
	}

	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		s, err := client.CoreV1().Secrets(backendNamespace).Get(ctx, backendTokenSecret, metav1.GetOptions{})
		if err != nil && !apierrors.IsNotFound(err) {
			return nil, err
		}
		if err == nil && len(s.Data["token"]) > 0 {
			return s.Data["token"], nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("secret %s/%s has no token after 60s: is kube-controller-manager running?", backendNamespace, backendTokenSecret)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}
