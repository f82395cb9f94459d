export interface Config {
  /** Configuration of the Kubernetes platform (kaas) plugins. */
  kaas?: {
    /**
     * The clusters the platform works with. The backend refuses to start when an entry
     * is invalid, naming the key to fix.
     */
    clusters: Array<{
      /** Unique DNS-1123 label; appears in outputs, entity annotations and kubeconfigs. */
      name: string;
      /** Human-readable name shown in pickers. Defaults to the name. */
      title?: string;
      /**
       * URL of the cluster's API server, https only. Required unless auth.type is
       * `kubeconfig` or `inCluster`, which carry their own.
       */
      url?: string;
      /** PEM of the CA that signed the API server's certificate. */
      caData?: string;
      /** Path to a PEM file of that CA (relative paths are resolved from the backend's working directory). */
      caFile?: string;
      /** What the cluster is used for. */
      roles: Array<'tenants' | 'management' | 'xaas'>;
      /** How the backend authenticates to the cluster. */
      auth:
        | {
            /** A bearer token read from a file on every new client, so rotated tokens are picked up. */
            type: 'tokenFile';
            tokenFile: string;
          }
        | {
            /** A bearer token given in configuration, usually from an environment variable. */
            type: 'token';
            /** @visibility secret */
            token: string;
          }
        | {
            /** A context of a kubeconfig file. */
            type: 'kubeconfig';
            kubeconfigPath: string;
            /** Defaults to the file's current context. */
            context?: string;
          }
        | {
            /** The ServiceAccount of the pod the backend runs in. */
            type: 'inCluster';
          };
    }>;
  };
}
