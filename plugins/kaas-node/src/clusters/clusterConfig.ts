import type { ClusterRole } from '@kaas-platform/plugin-kaas-common';

/** How the backend authenticates to a cluster. @public */
export type ClusterAuthConfig =
  | { type: 'tokenFile'; tokenFile: string }
  | { type: 'token'; token: string }
  | { type: 'kubeconfig'; kubeconfigPath: string; context?: string }
  | { type: 'inCluster' };

/** One validated entry of `kaas.clusters`. @public */
export interface ClusterConfig {
  name: string;
  title: string;
  /** Undefined when the URL comes from the kubeconfig or the pod's environment. */
  url?: string;
  /** The API server URL users reach (kubeconfigs); the url when absent. */
  publicUrl?: string;
  caData?: string;
  caFile?: string;
  roles: ClusterRole[];
  auth: ClusterAuthConfig;
  /** Longest an API request to the cluster may take, answer included. */
  requestTimeoutMs: number;
}
