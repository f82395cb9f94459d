import {
  ApiextensionsV1Api,
  AppsV1Api,
  type V1CustomResourceDefinition,
  type V1Deployment,
} from '@kubernetes/client-node';
import type {
  Capability,
  CapabilityKindHealth,
  CapabilityOperator,
  OperatorDeploymentHealth,
  OperatorHealth,
} from '@kaas-platform/plugin-kaas-common';
import type { ClusterRegistry } from '../clusters/ClusterRegistry';
import type { KaasCluster } from '../clusters/KaasCluster';
import { statusCode } from '../clusters/statusCode';

/**
 * Per capability and cluster instances go to (roles `xaas` and `tenants`): the operator's
 * Deployment (presence, ready replicas, the image tag as its version) and, for each
 * custom kind the capability creates, the versions its CRD serves, so an operator upgrade
 * that drops a version the capability uses shows before developers hit it. A cluster
 * that cannot be read says so in `problems`. For platform admins: the caller checks who
 * asks.
 *
 * @public
 */
export async function readOperatorHealth(
  clusters: ClusterRegistry,
  capabilities: Capability[],
): Promise<OperatorHealth[]> {
  const targets = clusters
    .list()
    .filter(c => c.hasRole('xaas') || c.hasRole('tenants'));
  const perCluster = await Promise.all(
    targets.map(async cluster => {
      let crds: V1CustomResourceDefinition[];
      try {
        crds = (
          await cluster.api(ApiextensionsV1Api).listCustomResourceDefinition()
        ).items;
      } catch (error) {
        return capabilities.map(capability => ({
          ...headerOf(capability, cluster.name),
          kinds: [],
          problems: [
            `cluster '${cluster.name}' could not be read: ${
              (error as Error).message
            }`,
          ],
        }));
      }
      return Promise.all(
        capabilities.map(capability =>
          capabilityHealth(cluster, capability, crds),
        ),
      );
    }),
  );
  return perCluster.flat();
}

function headerOf(capability: Capability, cluster: string) {
  return {
    capability: capability.id,
    title: capability.title,
    ...(capability.owner ? { owner: capability.owner } : {}),
    ...(capability.operator ? { operator: capability.operator.name } : {}),
    cluster,
  };
}

async function capabilityHealth(
  cluster: KaasCluster,
  capability: Capability,
  crds: V1CustomResourceDefinition[],
): Promise<OperatorHealth> {
  const kinds = await kindsOf(cluster, capability, crds);
  const deployment = capability.operator?.deployment
    ? await deploymentOf(cluster, capability.operator)
    : undefined;
  const problems: string[] = [];
  const name = capability.operator?.name ?? 'The';
  if (deployment && !deployment.present) {
    problems.push(
      `${name} operator Deployment (${describeDeployment(
        capability.operator!,
      )}) is not on cluster '${cluster.name}'`,
    );
  } else if (deployment && !deployment.readyReplicas) {
    problems.push(
      `${name} operator Deployment ${deployment.namespace}/${deployment.name} has no ready replica`,
    );
  }
  for (const kind of kinds) {
    if (!kind.crd) {
      problems.push(
        `No CRD of ${kind.kind} (${kind.apiVersion}) is installed on cluster '${cluster.name}'`,
      );
    } else if (!kind.served) {
      problems.push(
        `${kind.crd} does not serve ${
          kind.apiVersion.split('/')[1]
        }, which the capability uses (served: ${
          kind.servedVersions.join(', ') || 'none'
        })`,
      );
    }
  }
  return {
    ...headerOf(capability, cluster.name),
    ...(deployment ? { deployment } : {}),
    kinds,
    problems,
  };
}

/** The custom kinds of the capability's objects (built-in kinds have no CRD to check). */
async function kindsOf(
  cluster: KaasCluster,
  capability: Capability,
  crds: V1CustomResourceDefinition[],
): Promise<CapabilityKindHealth[]> {
  const seen = new Map<string, CapabilityKindHealth>();
  for (const { apiVersion, kind } of capability.objects) {
    const key = `${apiVersion}/${kind}`;
    const slash = apiVersion.indexOf('/');
    if (seen.has(key) || slash < 0) continue; // core kinds: v1 Secret and the like
    const group = apiVersion.slice(0, slash);
    const version = apiVersion.slice(slash + 1);
    const crd = crds.find(
      c => c.spec.group === group && c.spec.names.kind === kind,
    );
    if (!crd) {
      // A built-in kind (apps/v1 Deployment) has no CRD; discovery knows it.
      if (await cluster.objects().discover(apiVersion, kind)) continue;
      seen.set(key, { apiVersion, kind, servedVersions: [], served: false });
      continue;
    }
    const servedVersions = crd.spec.versions
      .filter(v => v.served)
      .map(v => v.name);
    seen.set(key, {
      apiVersion,
      kind,
      crd: crd.metadata?.name,
      servedVersions,
      served: servedVersions.includes(version),
    });
  }
  return [...seen.values()];
}

async function deploymentOf(
  cluster: KaasCluster,
  operator: CapabilityOperator,
): Promise<OperatorDeploymentHealth> {
  const { namespace, name, selector } = operator.deployment!;
  const apps = cluster.api(AppsV1Api);
  let found: V1Deployment | undefined;
  if (name) {
    try {
      found = await apps.readNamespacedDeployment({
        name,
        namespace: namespace!,
      });
    } catch (error) {
      if (statusCode(error) !== 404) throw error;
    }
  } else {
    const list = namespace
      ? await apps.listNamespacedDeployment({
          namespace,
          labelSelector: selector,
        })
      : await apps.listDeploymentForAllNamespaces({ labelSelector: selector });
    found = list.items[0];
  }
  if (!found) return { present: false };
  const image = found.spec?.template.spec?.containers[0]?.image;
  const version = image ? imageTag(image) : undefined;
  return {
    present: true,
    namespace: found.metadata?.namespace,
    name: found.metadata?.name,
    replicas: found.spec?.replicas ?? 1,
    readyReplicas: found.status?.readyReplicas ?? 0,
    ...(version ? { version } : {}),
  };
}

/** The tag of an image reference (`ghcr.io/x/y:1.2.3@sha256:...` → `1.2.3`). */
export function imageTag(image: string): string | undefined {
  const name = image.split('@')[0];
  const colon = name.lastIndexOf(':');
  return colon > name.lastIndexOf('/') ? name.slice(colon + 1) : undefined;
}

function describeDeployment(operator: CapabilityOperator): string {
  const { namespace, name, selector } = operator.deployment!;
  return name
    ? `${namespace}/${name}`
    : `selector ${selector}${namespace ? ` in ${namespace}` : ''}`;
}
