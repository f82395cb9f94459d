import fs from 'node:fs';
import YAML from 'yaml';
import type { KaasCluster } from '../clusters/KaasCluster';
import type { OidcSettings } from './readKubeconfigSettings';

/** The exec credential plugin entry of a kubeconfig user (client.authentication.k8s.io/v1). */
export interface KubeconfigExec {
  apiVersion: 'client.authentication.k8s.io/v1';
  command: string;
  args: string[];
  interactiveMode: 'Never' | 'IfAvailable' | 'Always';
}

/** A kubeconfig file as kubectl reads it (the on-disk field names, not client-node's). */
export interface KubeconfigFile {
  apiVersion: 'v1';
  kind: 'Config';
  clusters: Array<{
    name: string;
    cluster: { server: string; 'certificate-authority-data'?: string };
  }>;
  users: Array<{
    name: string;
    user: { token?: string; exec?: KubeconfigExec };
  }>;
  contexts: Array<{
    name: string;
    context: { cluster: string; user: string; namespace: string };
  }>;
  'current-context': string;
  preferences: Record<string, never>;
}

/**
 * The CA bundle users need to trust the cluster's API server, base64 as kubeconfigs
 * carry it: the configured `caData`/`caFile` (read now, so a rotated file is picked up),
 * or the CA of the kubeconfig / pod environment the backend itself uses.
 */
function certificateAuthorityData(cluster: KaasCluster): string | undefined {
  const current = cluster.kubeConfig().getCurrentCluster();
  if (current?.caData) return current.caData;
  if (current?.caFile) {
    return fs.readFileSync(current.caFile).toString('base64');
  }
  return undefined;
}

/**
 * The platform's `kubectl kaas-login` exec plugin for `oidc` (packages/kubectl-kaas-login),
 * no secret inside: one login per issuer serves every cluster that trusts it. An issuer
 * with a private CA (`kaas.oidc.caData` / `caFile`) has it in the arguments, so the file
 * works on any machine without trusting that CA system-wide.
 */
export function oidcLoginExec(oidc: OidcSettings): KubeconfigExec {
  const caData =
    oidc.caData ??
    (oidc.caFile ? fs.readFileSync(oidc.caFile).toString('base64') : undefined);
  return {
    apiVersion: 'client.authentication.k8s.io/v1',
    command: 'kubectl',
    args: [
      'kaas-login',
      'get-token',
      `--issuer-url=${oidc.issuerUrl}`,
      `--client-id=${oidc.clientId}`,
      ...oidc.extraScopes.map(scope => `--extra-scope=${scope}`),
      ...(caData ? [`--certificate-authority-data=${caData}`] : []),
    ],
    // The device grant prints where to log in on stderr; it never reads the terminal.
    interactiveMode: 'Never',
  };
}

/** A further context of the same user: another namespace, on another cluster or the same. */
export interface KubeconfigPlace {
  /** The context's name, e.g. `team-a-xaas@xaas`. */
  context: string;
  cluster: KaasCluster;
  namespace: string;
}

/**
 * A kubeconfig with one user and a context `<tenant>@<cluster>` in the home namespace,
 * the current one, plus a context for each of `alsoIn`; each cluster is named after its
 * `kaas.clusters` entry, at its public URL.
 */
export function renderKubeconfig(options: {
  cluster: KaasCluster;
  tenant: string;
  namespace: string;
  user: { name: string; token?: string; exec?: KubeconfigExec };
  alsoIn?: KubeconfigPlace[];
}): { context: string; file: KubeconfigFile } {
  const { cluster, tenant, namespace, user, alsoIn = [] } = options;
  const context = `${tenant}@${cluster.name}`;
  const places: KubeconfigPlace[] = [
    { context, cluster, namespace },
    ...alsoIn,
  ];
  const clusters = [
    ...new Map(places.map(p => [p.cluster.name, p.cluster])).values(),
  ];
  const { name: userName, ...credentials } = user;
  return {
    context,
    file: {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: clusters.map(c => {
        const caData = certificateAuthorityData(c);
        return {
          name: c.name,
          cluster: {
            server: c.publicUrl,
            ...(caData ? { 'certificate-authority-data': caData } : {}),
          },
        };
      }),
      users: [{ name: userName, user: credentials }],
      contexts: places.map(p => ({
        name: p.context,
        context: {
          cluster: p.cluster.name,
          user: userName,
          namespace: p.namespace,
        },
      })),
      'current-context': context,
      preferences: {},
    },
  };
}

/** The file as YAML. */
export function kubeconfigYaml(file: KubeconfigFile): string {
  return YAML.stringify(file, { lineWidth: 0 });
}
