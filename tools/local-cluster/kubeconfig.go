package main

import (
	"os"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

const clusterName = "kaas-local"

// kubeconfigUser is either a client certificate or a bearer token.
type kubeconfigUser struct {
	name     string
	context  string
	certFile string
	keyFile  string
	token    string
}

// writeKubeconfig writes a self-contained kubeconfig (CA, certificate and key
// embedded) that works with plain kubectl and @kubernetes/client-node.
func writeKubeconfig(path, server, caFile string, u kubeconfigUser) error {
	ca, err := os.ReadFile(caFile)
	if err != nil {
		return err
	}
	auth := &clientcmdapi.AuthInfo{Token: u.token}
	if u.certFile != "" {
		if auth.ClientCertificateData, err = os.ReadFile(u.certFile); err != nil {
			return err
		}
		if auth.ClientKeyData, err = os.ReadFile(u.keyFile); err != nil {
			return err
		}
	}
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters[clusterName] = &clientcmdapi.Cluster{Server: server, CertificateAuthorityData: ca}
	cfg.AuthInfos[u.name] = auth
	cfg.Contexts[u.context] = &clientcmdapi.Context{Cluster: clusterName, AuthInfo: u.name}
	cfg.CurrentContext = u.context
	data, err := clientcmd.Write(*cfg)
	if err != nil {
		return err
	}
	return writeFileAtomic(path, data, 0o600)
}

func restConfigFromKubeconfig(path string) (*rest.Config, error) {
	cfg, err := clientcmd.BuildConfigFromFlags("", path)
	if err != nil {
		return nil, err
	}
	cfg.UserAgent = "kaas-local-cluster"
	return cfg, nil
}
