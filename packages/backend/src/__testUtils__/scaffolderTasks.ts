import {
  adminKubectl,
  type AdminClusterAccess,
  listableNamespacedResources,
  type BackstageBackend,
  waitFor,
  writeStatus,
} from '@internal/kaas-test-cluster';

/** One event of a scaffolder task, as `/api/scaffolder/v2/tasks/:id/events` gives it. */
export type TaskEvent = {
  type: string;
  createdAt: string;
  body: { message?: string; stepId?: string; status?: string };
};

const TENANT_LABEL = 'kaas.internal/tenant';

/** A request to the backend's API as the holder of `token`: POST with `body`, GET without. */
export async function api(
  backend: BackstageBackend,
  token: string,
  url: string,
  body?: unknown,
  method?: string,
) {
  const res = await fetch(`${backend.baseUrl}${url}`, {
    method: method ?? (body ? 'POST' : 'GET'),
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body ? { 'Content-Type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: await res.json().catch(() => null) };
}

/** Waits until the catalog serves the generated template, then starts a task of it. */
export async function runTemplate(
  backend: BackstageBackend,
  token: string,
  template: string,
  values: Record<string, unknown>,
): Promise<string> {
  await waitFor(
    async () =>
      (
        await api(
          backend,
          token,
          `/api/catalog/entities/by-name/template/default/${template}`,
        )
      ).status === 200
        ? true
        : undefined,
    { timeoutMs: 120_000, describe: () => `template ${template} served` },
  );
  const created = await api(backend, token, '/api/scaffolder/v2/tasks', {
    templateRef: `template:default/${template}`,
    values,
  });
  if (created.status !== 201) {
    throw new Error(
      `could not start ${template}: ${created.status} ${JSON.stringify(
        created.body,
      )}`,
    );
  }
  return created.body.id;
}

export async function taskEvents(
  backend: BackstageBackend,
  token: string,
  id: string,
): Promise<TaskEvent[]> {
  return (await api(backend, token, `/api/scaffolder/v2/tasks/${id}/events`))
    .body;
}

/** Resolves once the task has status `wanted`; rejects with its log if it ends otherwise. */
export async function untilTaskStatus(
  backend: BackstageBackend,
  token: string,
  id: string,
  wanted: string,
  timeoutMs = 180_000,
) {
  let last = '';
  await waitFor(
    async () => {
      last = (await api(backend, token, `/api/scaffolder/v2/tasks/${id}`)).body
        ?.status;
      if (last === wanted) return true;
      if (['completed', 'failed', 'cancelled'].includes(last)) {
        const log = (await taskEvents(backend, token, id))
          .map(e => e.body.message)
          .join('\n');
        throw new Error(`task ${id} ended ${last}, not ${wanted}:\n${log}`);
      }
      return undefined;
    },
    {
      timeoutMs,
      intervalMs: 250,
      describe: () => `task ${id} ${wanted} (is ${last})`,
    },
  );
}

/** Resolves once the task's `wait` step is running. */
export async function untilTaskWaiting(
  backend: BackstageBackend,
  token: string,
  id: string,
) {
  await waitFor(
    async () =>
      (
        await taskEvents(backend, token, id)
      ).some(e => e.body.stepId === 'wait' && e.body.status === 'processing')
        ? true
        : undefined,
    { timeoutMs: 120_000, describe: () => `task ${id} in its wait step` },
  );
}

/**
 * Every object of a tenant, of every namespaced kind the API server lists, with its uid:
 * an object made twice or made again after a delete shows as a different entry.
 */
export async function tenantObjects(
  cluster: AdminClusterAccess,
  tenant: string,
): Promise<string[]> {
  const kinds = await listableNamespacedResources(cluster);
  const list = async (...args: string[]) =>
    JSON.parse(
      await adminKubectl(
        cluster,
        'get',
        ...args,
        '-l',
        `${TENANT_LABEL}=${tenant}`,
        '-o',
        'json',
      ),
    ).items as Array<{
      kind: string;
      metadata: { name: string; namespace?: string; uid: string };
    }>;
  const items = [
    ...(await list('namespaces')),
    ...(await list(kinds.join(','), '--all-namespaces')),
  ];
  return items
    .map(
      ({ kind, metadata: { namespace, name, uid } }) =>
        `${kind} ${namespace ? `${namespace}/` : ''}${name} ${uid}`,
    )
    .sort();
}

/** What Cluster API does once a virtual cluster runs: Provisioned, and its kubeconfig. */
export async function playClusterApi(
  cluster: AdminClusterAccess,
  tenant: string,
) {
  const namespace = `t-${tenant}`;
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  await writeStatus(cluster, 'clusters.cluster.x-k8s.io', namespace, tenant, {
    phase: 'Provisioned',
    conditions: [
      'Available',
      'ControlPlaneAvailable',
      'InfrastructureReady',
    ].map(type => ({
      type,
      status: 'True',
      reason: 'Ready',
      message: '',
      lastTransitionTime: now,
    })),
  });
  await adminKubectl(
    cluster,
    'create',
    'secret',
    'generic',
    `${tenant}-kubeconfig`,
    '-n',
    namespace,
    '--from-literal=value=apiVersion: v1',
  );
}
