import type { HumanDuration } from '@backstage/types';

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
      /**
       * URL of the API server as users reach it, put into kubeconfigs (https only).
       * Defaults to url.
       */
      publicUrl?: string;
      /** PEM of the CA that signed the API server's certificate. */
      caData?: string;
      /** Path to a PEM file of that CA (relative paths are resolved from the backend's working directory). */
      caFile?: string;
      /** What the cluster is used for. */
      roles: Array<'tenants' | 'management' | 'xaas'>;
      /**
       * Longest an API request of the backend to this cluster may take, answer included,
       * e.g. '20s' or { seconds: 20 }. A cluster that does not answer within it is
       * reported as unreachable instead of holding every lookup. Default 20 seconds.
       */
      requestTimeout?: string | HumanDuration;
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
    /** Kubeconfigs the backend issues for tenants. Every key has a default. */
    kubeconfig?: {
      /**
       * Longest lifetime of a token kubeconfig, e.g. '8h', 'PT8H' or { hours: 8 }.
       * Default 8 hours; at least 10 minutes (the TokenRequest API's minimum).
       */
      maxTtl?: string | HumanDuration;
      /** Lifetime of a token kubeconfig when the request names none. Default 1 hour. */
      defaultTtl?: string | HumanDuration;
    };
    /**
     * The company OpenID Connect issuer the clusters trust. When set, namespace tenants
     * also offer OIDC kubeconfigs (the `kubectl kaas-login` exec plugin; no secret inside).
     */
    oidc?: {
      /** https URL of the issuer, as the API servers' authentication config names it. */
      issuerUrl: string;
      /** Client id of the public (PKCE) client kubectl logs in with. */
      clientId: string;
      /** Scopes asked for in addition to openid, e.g. [email, groups]. */
      extraScopes?: string[];
      /**
       * The prefix your API servers put in front of the groups claim (the
       * `claimMappings.groups` prefix of their AuthenticationConfiguration, or
       * `--oidc-groups-prefix`), e.g. `oidc:`. Tenant RoleBindings written with
       * `${{ tenant.ownerGroup }}` then bind the owner's OIDC group, `oidc:team-a`, which
       * no other authenticator can claim. Must not start with `system:`.
       */
      groupsPrefix?: string;
      /**
       * The issuer's CA when it is private, put into OIDC kubeconfigs for `kubectl
       * kaas-login`: base64 of the PEM (caData) or a PEM file read at each issuance (caFile).
       */
      caData?: string;
      caFile?: string;
    };
    /** How tenants are named and marked. Every key has a default. */
    tenants?: {
      /** Put in front of a tenant name to form its home namespace. Default `t-`. */
      namespacePrefix?: string;
      /** Tenant names refused in addition to `default`, `kaas-system` and `kube-*`. */
      reservedNames?: string[];
      /**
       * Prefix of the platform's label and annotation keys (`<prefix>/tenant`, ...).
       * Default `kaas.internal`; use a domain you own.
       */
      markPrefix?: string;
      /** Field manager of every server-side apply. Default `backstage-kaas`. */
      fieldManager?: string;
      /**
       * The platform's own namespace on each cluster: the ServiceAccounts token
       * kubeconfigs authenticate as, their issuance records, dry-run validation. Tenants
       * never get a RoleBinding there. Default `kaas-platform`; no tenant may take it.
       */
      platformNamespace?: string;
      /**
       * Prefixes of the label keys a tenant request may set on its namespace (a key is
       * allowed when it starts with one of them), e.g. `example.com/`, `team.example.com/`.
       * Keys under the mark prefix, `kubernetes.io` and `k8s.io` are refused whatever is
       * listed. Default `['example.com/']`; list your own domains, not an add-on's (a
       * label such as `istio.io/rev` changes what runs in the namespace).
       */
      allowedLabelPrefixes?: string[];
      /** Prefixes of the annotation keys a tenant request may set. Default `['example.com/']`. */
      allowedAnnotationPrefixes?: string[];
    };
    /** Groups whose members may act for any owner group, e.g. `group:default/platform-team`. */
    platformAdmins?: string[];
    /** Let service principals (other backends) act for any owner group. Default false. */
    allowServicePrincipals?: boolean;
    /**
     * kaas permissions that only platform admins hold, under the platform's default
     * permission policy: e.g. `['kaas.tenant.delete', 'xaas.instance.delete']` lets only
     * the platform team delete, in templates and through actions alike (other users do not
     * even see those actions). Default none. Names: see `kaasPermissions` in kaas-common.
     */
    platformAdminOnlyPermissions?: string[];
    /**
     * What of a tenant only those who may act for its owner group (members, platform
     * admins) see; every other reader gets the rest of its status. `owners` (default) or
     * `everyone`.
     */
    visibility?: {
      /** The recent Kubernetes events in a tenant's status (`eventsHidden: true` for others). */
      events?: 'owners' | 'everyone';
      /** An instance's connection details: host, port, the Secret's shown values (403 for others). */
      connectionDetails?: 'owners' | 'everyone';
    };
    /**
     * Named bundles of quotas and policy a tenant request picks from. The backend refuses
     * to start when one is invalid, naming the key.
     */
    tenantProfiles?: {
      [name: string]: {
        title?: string;
        description?: string;
        /** The tenant's ResourceQuota. */
        quota: {
          /** ResourceQuota `spec.hard`, e.g. `requests.cpu: '4'`, `pods: 50`. */
          hard: { [resource: string]: string | number };
        };
        /** Defaults and limits of every container (LimitRange of type Container). */
        limitRange: {
          default: { [resource: string]: string | number };
          defaultRequest: { [resource: string]: string | number };
          max?: { [resource: string]: string | number };
        };
        /** Pod Security Standard enforced, audited and warned on in the namespace. */
        podSecurity: 'restricted' | 'baseline' | 'privileged';
        /** `isolated` (default) applies the NetworkPolicies of kaas.baseline; `none` leaves them out. */
        networkPolicy?: 'isolated' | 'none';
        /** Settings of virtual-cluster tenants (vCluster provider of Cluster API). */
        vcluster?: {
          /** Kubernetes version of the virtual control plane, e.g. `1.33.4`. */
          kubernetesVersion?: string;
          /** Helm values of the vCluster chart, as YAML text or an object. */
          values?: string | { [key: string]: any };
          chart?: { name?: string; repo?: string; version?: string };
        };
        /** Cluster API topology of whole-cluster tenants. */
        clusterClass?: {
          name: string;
          namespace?: string;
          version: string;
          workers?: {
            machineDeployments?: Array<{ [key: string]: any }>;
            machinePools?: Array<{ [key: string]: any }>;
          };
          variables?: Array<{ name: string; value: any }>;
        };
        /** A Crossplane claim that provisions whole-cluster tenants instead of a ClusterClass. */
        crossplane?: {
          apiVersion: string;
          kind: string;
          /** Put into `spec.parameters`; strings may use `${{ tenant.* }}` placeholders. */
          parameters?: { [key: string]: any };
          connectionSecretName?: string;
        };
        /**
         * Objects that belong inside the tenant's own cluster (virtual and Cluster API
         * dedicated clusters): RBAC for the owner group, NetworkPolicies, quotas, the
         * monitoring agent's namespace. Rendered like `kaas.baseline` (strings may use
         * `${{ tenant.* }}`), held in a ConfigMap `<tenant>-in-cluster-policy` in the home
         * namespace and applied inside the cluster by a Cluster API ClusterResourceSet
         * `<tenant>-policy` (strategy Reconcile). In apply order: namespaces first. Objects
         * of namespaced kinds name their namespace inside the cluster. Crossplane-claim
         * clusters get their in-cluster policy from their composition instead.
         */
        inCluster?: Array<{
          apiVersion: string;
          kind: string;
          metadata: {
            name: string;
            namespace?: string;
            labels?: { [key: string]: string };
            annotations?: { [key: string]: string };
          };
          [field: string]: unknown;
        }>;
      };
    };
    /**
     * The XaaS offerings (docs/xaas-contracts.md), by capability id. The backend refuses
     * to start when one is invalid, naming the key. Strings of `objects` and `connection`
     * may use `${{ instance.name }}`, `${{ instance.namespace }}`, `${{ instance.capability }}`,
     * `${{ instance.plan }}`, `${{ instance.tenant }}`, `${{ parameters.<name> }}` and the
     * `${{ tenant.* }}` placeholders of `kaas.baseline`; a string that is one placeholder
     * keeps the value's JSON type.
     */
    capabilities?: {
      [id: string]: {
        title: string;
        description?: string;
        /** Catalog ref of the capability team, e.g. `group:default/platform-team`. */
        owner?: string;
        /**
         * How to see the capability's operator on a cluster. With it, an instance whose
         * main object nothing acted on within `actsWithin` gets the condition
         * `OperatorActive` False and its wait fails early; platform admins see the
         * operator's Deployment and the served versions of the capability's CRDs.
         */
        operator?: {
          /** The operator's name as people know it, e.g. `CloudNativePG`. */
          name: string;
          /** Its Deployment: `namespace` and `name`, or a label `selector` (optionally in `namespace`). */
          deployment?: { namespace?: string; name?: string; selector?: string };
          /**
           * How soon the operator acts on a new main object (sets a finalizer,
           * `status.observedGeneration` or any `status`), e.g. '60s'. Default 60 seconds.
           */
          actsWithin?: string | HumanDuration;
        };
        /** JSON Schema (draft 2020-12) of the parameters a developer may set; `type: object`. */
        parameters: { [key: string]: any };
        /** Named sizes; each plan's parameters must satisfy the schema. */
        plans: {
          [plan: string]: {
            title: string;
            description?: string;
            parameters: { [key: string]: any };
          };
        };
        /** The operator objects an instance is made of, in apply order. */
        objects: Array<{
          apiVersion: string;
          kind: string;
          /** `parameters.<name>`: create the object only when that parameter is set. */
          when?: string;
          metadata: {
            name: string;
            labels?: { [key: string]: string };
            annotations?: { [key: string]: string };
          };
          [field: string]: unknown;
        }>;
        /**
         * Day-2 operations by name (lowercase, dashes): buttons on the Instance tab and
         * `xaas:instance:operate`. Objects use the placeholders above, with
         * `${{ parameters.<name> }}` the operation's own, and `${{ run.name }}`,
         * `${{ run.operation }}`; they go to the instance's namespace.
         */
        operations?: {
          [operation: string]: {
            title: string;
            description?: string;
            /** JSON Schema (`type: object`) of the operation's parameters; unknown ones are refused. */
            parameters?: { [key: string]: any };
            objects: Array<{
              apiVersion: string;
              kind: string;
              when?: string;
              metadata: {
                name: string;
                labels?: { [key: string]: string };
                annotations?: { [key: string]: string };
              };
              [field: string]: unknown;
            }>;
            /** When a run is done, read from `objects[object ?? 0]`; left out: once created. */
            readiness?: {
              object?: number;
              condition?: { type: string; status: string };
              field?: { path: string; equals: string | number | boolean };
            };
            /** `owners` (default): the owner group's members and platform admins; `admins`: platform admins only. */
            runBy?: 'owners' | 'admins';
          };
        };
        /** Readiness of `objects[object ?? 0]`: a status condition, or a field's value. */
        readiness: {
          object?: number;
          condition?: { type: string; status: string };
          field?: { path: string; equals: string | number | boolean };
        };
        /** Where the connection details are; host from `host`, `service` or `fromStatus`. */
        connection?: {
          secretName?: string;
          /** Secret keys safe to show; all others never leave the cluster. */
          showKeys?: string[];
          host?: string;
          service?: string;
          /** Dotted path of a status field of the readiness object naming the service. */
          fromStatus?: string;
          port?: number;
        };
      };
    };
    /**
     * Objects every tenant gets, put into its namespace. String values may use
     * `${{ tenant.name }}`, `${{ tenant.namespace }}`, `${{ tenant.owner }}`,
     * `${{ tenant.ownerName }}`, `${{ tenant.isolation }}`, `${{ tenant.profile }}`.
     * A `Namespace` entry named `${{ tenant.namespace }}` adds labels and annotations to
     * the home namespace.
     */
    baseline?: Array<{
      apiVersion: string;
      kind: string;
      /**
       * Only tenants of these isolations get the object; all when left out. Not part of
       * the object. Bindings that make the owner group admin belong to `namespace` only:
       * owners of virtual and dedicated clusters administer their own cluster, not the
       * management namespace holding its Cluster API objects and kubeconfig Secret.
       */
      isolations?: Array<'namespace' | 'vcluster' | 'cluster'>;
      metadata: {
        name: string;
        namespace?: string;
        labels?: { [key: string]: string };
        annotations?: { [key: string]: string };
      };
      [field: string]: unknown;
    }>;
  };
}
