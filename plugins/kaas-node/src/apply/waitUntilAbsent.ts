import type { KubernetesObject } from '@kubernetes/client-node';
import { describeObject } from '../tenants/kubernetesManifest';
import type { ClusterObjectApi } from '../clusters/ClusterObjectApi';
import { statusCode } from '../clusters/statusCode';

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/**
 * Polls until `object` is gone (404), or throws once `deadline` (epoch ms) has passed,
 * naming the object: a deletion that never ends is almost always a stuck finalizer.
 */
export async function waitUntilAbsent(
  api: ClusterObjectApi,
  object: KubernetesObject,
  deadline: number,
): Promise<void> {
  for (;;) {
    try {
      await api.read({
        apiVersion: object.apiVersion,
        kind: object.kind,
        metadata: {
          name: object.metadata!.name!,
          namespace: object.metadata?.namespace,
        },
      });
    } catch (error) {
      if (statusCode(error) === 404) return;
      throw error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${describeObject(
          object,
        )} is still being deleted; check its finalizers`,
      );
    }
    await sleep(1000);
  }
}
