import type { KaasCluster } from '../clusters/KaasCluster';
import { readRawObject } from '../clusters/readRawObject';
import type { KubernetesManifest } from './kubernetesManifest';
import { CLUSTER_API_VERSION } from './renderClusterApi';
import type { TenantProfile } from './tenantPolicy';

type Version = { major: number; minor: number; patch: number; text: string };

function parseVersion(text: unknown): Version | undefined {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(String(text ?? ''));
  if (!match) return undefined;
  const [, major, minor, patch] = match.map(Number);
  return { major, minor, patch, text: `v${major}.${minor}.${patch}` };
}

function compare(a: Version, b: Version): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/** Where a plan's Kubernetes version is: the vCluster chart value, or the topology's. */
function versionOf(object: Record<string, any> | undefined): unknown {
  if (!object) return undefined;
  if (object.kind === 'VCluster') {
    const k8s =
      object.spec?.helmRelease?.valuesObject?.controlPlane?.distro?.k8s;
    // Tenants made before the chart's documented value was used carry the image tag.
    return k8s?.version ?? k8s?.image?.tag;
  }
  return object.spec?.topology?.version;
}

/**
 * Why a tenant's plan may not set its Kubernetes version, or undefined when it may: the
 * version never goes down, moves one minor version at a time (Kubernetes' own upgrade
 * rule), and for a dedicated cluster is one its ClusterClass offers
 * (`spec.kubernetesVersions`, when the class lists them). Read live, like every decision.
 */
export async function kubernetesVersionProblem(
  cluster: KaasCluster,
  manifests: KubernetesManifest[],
  profile: TenantProfile | undefined,
  requested: string | undefined,
): Promise<string | undefined> {
  const versioned = manifests.find(m => versionOf(m) !== undefined);
  const wanted = parseVersion(versionOf(versioned));
  if (!versioned || !wanted) {
    return requested
      ? `kubernetesVersion: profile '${profile?.name}' sets no Kubernetes version the platform writes (its Crossplane composition decides); leave kubernetesVersion out`
      : undefined;
  }
  const live = parseVersion(versionOf(await readRawObject(cluster, versioned)));
  if (live) {
    if (compare(wanted, live) < 0) {
      return `kubernetesVersion: ${wanted.text} is older than ${live.text}, which the tenant runs; a Kubernetes version never goes down`;
    }
    if (wanted.major !== live.major || wanted.minor > live.minor + 1) {
      return `kubernetesVersion: from ${
        live.text
      } the tenant moves one minor version at a time, to ${live.major}.${
        live.minor + 1
      }.x at most; upgrade through each minor version`;
    }
  }
  const clusterClass = profile?.clusterClass;
  if (versioned.kind === 'Cluster' && clusterClass) {
    const offered = (
      await readRawObject(cluster, {
        apiVersion: CLUSTER_API_VERSION,
        kind: 'ClusterClass',
        metadata: {
          name: clusterClass.name,
          namespace: clusterClass.namespace ?? versioned.metadata.namespace,
        },
      })
    )?.spec?.kubernetesVersions as string[] | undefined;
    if (
      offered?.length &&
      !offered.some(v => parseVersion(v)?.text === wanted.text)
    ) {
      return `kubernetesVersion: ClusterClass '${
        clusterClass.name
      }' offers ${offered.join(', ')}, not ${wanted.text}`;
    }
  }
  return undefined;
}
