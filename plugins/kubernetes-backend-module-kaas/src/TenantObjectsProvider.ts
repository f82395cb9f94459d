import type {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type {
  ClusterObjects,
  ObjectsByEntityResponse,
} from '@backstage/plugin-kubernetes-common';
import type {
  ClusterDetails,
  CustomResourcesByEntity,
  KubernetesClustersSupplier,
  KubernetesObjectsByEntity,
  KubernetesObjectsProvider,
} from '@backstage/plugin-kubernetes-node';
import {
  listMarkedNamespaces,
  type ClusterRegistry,
  type OwnerAuthorizer,
  type TenantSettings,
} from '@kaas-platform/plugin-kaas-node';
import { hasContent, namespacesIn, withoutNamespaces } from './hideNamespaces';
import { kaasClusterOf } from './kaasClusterOf';

/**
 * The Kubernetes plugin's objects (its object routes and its resources action) as the
 * caller may see them: objects in a namespace the platform marked as its own are shown
 * to those who may act for the owner the namespace records (the owner group's members
 * and platform admins), and objects in the platform's own namespaces, which record no
 * owner, to platform admins only. Everything else passes as the plugin found it.
 *
 * The plugin reads with one identity for every caller, so RBAC alone cannot do this.
 *
 * @public
 */
export class TenantObjectsProvider implements KubernetesObjectsProvider {
  constructor(
    private readonly options: {
      /** The plugin's own provider, which fetches. */
      objects: KubernetesObjectsProvider;
      pluginClusters: KubernetesClustersSupplier;
      kaasClusters: ClusterRegistry;
      settings: Pick<TenantSettings, 'markPrefix'>;
      owners: OwnerAuthorizer;
      platformAdmins: readonly string[];
      logger: LoggerService;
    },
  ) {}

  async getKubernetesObjectsByEntity(
    request: KubernetesObjectsByEntity,
    options: { credentials: BackstageCredentials },
  ): Promise<ObjectsByEntityResponse> {
    const response = await this.options.objects.getKubernetesObjectsByEntity(
      request,
      options,
    );
    return this.visibleTo(options.credentials, response);
  }

  async getCustomResourcesByEntity(
    request: CustomResourcesByEntity,
    options: { credentials: BackstageCredentials },
  ): Promise<ObjectsByEntityResponse> {
    const response = await this.options.objects.getCustomResourcesByEntity(
      request,
      options,
    );
    return this.visibleTo(options.credentials, response);
  }

  /** Logs the plugin's clusters that are no kaas cluster: nothing on them is hidden. */
  async warnAboutUnknownClusters(
    credentials: BackstageCredentials,
  ): Promise<void> {
    const { pluginClusters, kaasClusters, logger } = this.options;
    let clusters: ClusterDetails[];
    try {
      clusters = await pluginClusters.getClusters({ credentials });
    } catch {
      return; // the plugin reports its own cluster locator's errors
    }
    for (const cluster of clusters) {
      if (!kaasClusterOf(cluster, kaasClusters)) {
        logger.warn(
          `Kubernetes plugin cluster '${cluster.name}' (${cluster.url}) matches no entry of kaas.clusters by url or name, so objects in its namespaces are shown to every user; give it the name or url of its kaas.clusters entry`,
        );
      }
    }
  }

  private async visibleTo(
    credentials: BackstageCredentials,
    response: ObjectsByEntityResponse,
  ): Promise<ObjectsByEntityResponse> {
    const decisions = new Map<string, Promise<boolean>>();
    const mayActFor = (owner: string | undefined) => {
      const key = owner ?? '';
      if (!decisions.has(key)) {
        decisions.set(key, this.mayActFor(credentials, owner));
      }
      return decisions.get(key)!;
    };
    const pluginClusters = await this.options.pluginClusters.getClusters({
      credentials,
    });
    const items = await Promise.all(
      response.items.map(item =>
        this.visibleOnCluster(item, pluginClusters, mayActFor),
      ),
    );
    return { items: items.filter(hasContent) };
  }

  private async visibleOnCluster(
    objects: ClusterObjects,
    pluginClusters: ClusterDetails[],
    mayActFor: (owner: string | undefined) => Promise<boolean>,
  ): Promise<ClusterObjects> {
    const namespaces = namespacesIn(objects);
    if (namespaces.size === 0) return objects;
    const { name } = objects.cluster;
    const cluster = kaasClusterOf(
      pluginClusters.find(c => c.name === name) ?? { name },
      this.options.kaasClusters,
    );
    if (!cluster) return objects;

    let marked;
    try {
      marked = await listMarkedNamespaces(cluster, this.options.settings);
    } catch (error) {
      // Unknown ownership hides everything rather than risk showing another team's objects.
      this.options.logger.warn(
        `Could not list the tenant namespaces of cluster '${cluster.name}': ${
          (error as Error).message
        }`,
      );
      return {
        ...objects,
        resources: [],
        podMetrics: [],
        errors: [
          {
            errorType: 'FETCH_ERROR',
            message: `Objects of cluster '${name}' are not shown: which of its namespaces belong to which team could not be read; try again later`,
          },
        ],
      };
    }
    const hidden = new Set<string>();
    await Promise.all(
      [...namespaces].map(async namespace => {
        const entry = marked.get(namespace);
        if (entry && !(await mayActFor(entry.owner))) hidden.add(namespace);
      }),
    );
    return hidden.size > 0 ? withoutNamespaces(objects, hidden) : objects;
  }

  /** Without an owner (the platform's own namespaces): platform admins only. */
  private async mayActFor(
    credentials: BackstageCredentials,
    owner: string | undefined,
  ): Promise<boolean> {
    const { owners, platformAdmins } = this.options;
    if (owner) return owners.mayActFor(credentials, owner);
    for (const admins of platformAdmins) {
      if (await owners.mayActFor(credentials, admins)) return true;
    }
    return false;
  }
}
