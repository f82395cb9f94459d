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
	"k8s.io/apimachinery/pkg/api/meta"
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

// kubernetesPluginReader is the read-only identity of Backstage's core Kubernetes
// plugin, which must never get the backend's own credential.
//
//go:embed manifests/kubernetes-plugin-reader.yaml
var kubernetesPluginReader []byte

const (
	backendNamespace            = "kaas-system"
	backendTokenSecret          = "backstage-kaas-token"
	kubernetesReaderTokenSecret = "backstage-kubernetes-reader-token"
	fieldManager                = "kaas-local-cluster"
	// Both files declare the kaas-system Namespace; a manager of its own per file keeps
	// one file's apply from removing fields only the other sets.
	kubernetesReaderFieldManager = "kaas-local-cluster-kubernetes-reader"
)

// bootstrapTokens are the long-lived tokens `up` writes into the data directory.
type bootstrapTokens struct {
	backend          []byte
	kubernetesReader []byte
}

// runBootstrap is up's last phase: the backend's and the Kubernetes plugin's identities
// in the cluster, and their tokens and kubeconfigs in the data directory.
func (r *upRun) runBootstrap(adminCfg *rest.Config) error {
	st, ca := r.st, r.pki.CACert()
	tokens, err := bootstrap(r.ctx, adminCfg)
	if err != nil {
		return runError(r.ctx, fmt.Errorf("bootstrap: %w", err))
	}
	if err := writeFileAtomic(st.BackendToken, tokens.backend, 0o600); err != nil {
		return err
	}
	if err := writeKubeconfig(st.BackendKubeconfig, st.Server, ca, kubeconfigUser{
		name: "backstage-kaas", context: "kaas-local-backend", token: string(tokens.backend),
	}); err != nil {
		return err
	}
	if err := writeFileAtomic(st.KubernetesReaderToken, tokens.kubernetesReader, 0o600); err != nil {
		return err
	}
	return writeKubeconfig(st.KubernetesReaderKubeconfig, st.Server, ca, kubeconfigUser{
		name: "backstage-kubernetes-reader", context: "kaas-local-kubernetes-reader", token: string(tokens.kubernetesReader),
	})
}

// bootstrap applies the embedded manifests with server-side apply (idempotent:
// a re-run changes nothing) and returns the backend's and the Kubernetes plugin's
// tokens once the token controller of kube-controller-manager has filled their Secrets.
func bootstrap(ctx context.Context, cfg *rest.Config) (*bootstrapTokens, error) {
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
	if err := applyManifest(ctx, dyn, mapper, backendRBAC, fieldManager); err != nil {
		return nil, fmt.Errorf("backend-rbac.yaml: %w", err)
	}
	if err := applyManifest(ctx, dyn, mapper, kubernetesPluginReader, kubernetesReaderFieldManager); err != nil {
		return nil, fmt.Errorf("kubernetes-plugin-reader.yaml: %w", err)
	}

	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	backend, err := waitForToken(ctx, client, backendTokenSecret)
	if err != nil {
		return nil, err
	}
	reader, err := waitForToken(ctx, client, kubernetesReaderTokenSecret)
	if err != nil {
		return nil, err
	}
	return &bootstrapTokens{backend: backend, kubernetesReader: reader}, nil
}

// applyManifest server-side applies every object of a multi-document YAML file.
func applyManifest(ctx context.Context, dyn dynamic.Interface, mapper meta.RESTMapper, manifest []byte, manager string) error {
	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(manifest), 4096)
	for {
		var obj unstructured.Unstructured
		if err := dec.Decode(&obj.Object); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return fmt.Errorf("manifest: %w", err)
		}
		if len(obj.Object) == 0 {
			continue
		}
		gvk := obj.GroupVersionKind()
		m, err := mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
		if err != nil {
			return fmt.Errorf("%s: %w", gvk, err)
		}
		var ri dynamic.ResourceInterface = dyn.Resource(m.Resource)
		if obj.GetNamespace() != "" {
			ri = dyn.Resource(m.Resource).Namespace(obj.GetNamespace())
		}
		if _, err := ri.Apply(ctx, obj.GetName(), &obj, metav1.ApplyOptions{FieldManager: manager, Force: true}); err != nil {
			return fmt.Errorf("apply %s %s: %w", obj.GetKind(), obj.GetName(), err)
		}
	}
}

// waitForToken returns the token of a service-account-token Secret in kaas-system once
// the token controller has filled it.
func waitForToken(ctx context.Context, client kubernetes.Interface, secret string) ([]byte, error) {
	deadline := time.Now().Add(60 * time.Second)
	for {
		s, err := client.CoreV1().Secrets(backendNamespace).Get(ctx, secret, metav1.GetOptions{})
		if err != nil && !apierrors.IsNotFound(err) {
			return nil, err
		}
		if err == nil && len(s.Data["token"]) > 0 {
			return s.Data["token"], nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("secret %s/%s has no token after 60s: is kube-controller-manager running?", backendNamespace, secret)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}
