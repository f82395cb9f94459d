import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  KUBECTL,
  testCluster,
  uniqueName,
  waitFor,
} from '@internal/kaas-test-cluster';
import { kaasMarkKeys } from '@kaas-platform/plugin-kaas-common';
import { localTestServices } from '../__testUtils__/localTestServices';
import { releaseTenantHome } from '../tenants/claimTenantName';
import { applyManifests } from './applyManifests';

const execFileAsync = promisify(execFile);

async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await execFileAsync(KUBECTL, [
    '--kubeconfig',
    testCluster().adminKubeconfig,
    ...args,
  ]);
  return stdout;
}

/** The object as stored, read as the API's JSON (not through client-node's model). */
async function stored(kind: string, name: string, namespace: string) {
  const { stdout } = await execFileAsync(KUBECTL, [
    '--kubeconfig',
    testCluster().adminKubeconfig,
    'get',
    kind,
    name,
    '-n',
    namespace,
    '-o',
    'json',
  ]);
  return JSON.parse(stdout);
}

describe('applyManifests against the local control plane with the backend credential', () => {
  it('stores every field as rendered, also those client-node models under other names (LimitRange default, NetworkPolicy from)', async () => {
    const { tenants } = localTestServices();
    const name = uniqueName('fields');
    const namespace = `t-${name}`;
    const request = tenants.validate({
      name,
      owner: 'team-a',
      isolation: 'namespace',
      profile: 'small',
    });
    const rendered = tenants.render(request).manifests;
    await tenants.create(request);

    const limits = await stored('limitrange', 'tenant-limits', namespace);
    expect(limits.spec).toEqual(
      rendered.find(m => m.kind === 'LimitRange')!.spec,
    );
    expect(limits.spec.limits[0].default).toEqual({
      cpu: '500m',
      memory: '512Mi',
    });
    // Without `from`, the rule would admit traffic from everywhere.
    const policy = await stored(
      'networkpolicy',
      'allow-from-monitoring',
      namespace,
    );
    expect(policy.spec).toEqual(
      rendered.find(m => m.metadata.name === 'allow-from-monitoring')!.spec,
    );
    expect(policy.spec.ingress[0].from).toHaveLength(1);

    // Re-applying the same request still changes nothing.
    const again = await tenants.create(request);
    expect(again.objects.every(o => o.action === 'unchanged')).toBe(true);
    await tenants.delete(name);
  });

  it('neither completes nor releases a claimed namespace that someone else deleted and made again meanwhile', async () => {
    const { tenants, clusters } = localTestServices();
    const name = uniqueName('replaced');
    const namespace = `t-${name}`;
    const plan = tenants.render(
      tenants.validate({
        name,
        owner: 'team-a',
        isolation: 'namespace',
        profile: 'small',
      }),
    );
    // The namespace this run claimed is gone; someone else's stands under its name.
    await kubectl('create', 'namespace', namespace);
    const settings = tenants.policy.settings;
    const claimedUid = '00000000-0000-4000-8000-000000000000';
    const cluster = clusters.get('local');
    await expect(
      applyManifests(cluster, plan.manifests, {
        fieldManager: settings.fieldManager,
        marks: kaasMarkKeys(settings.markPrefix),
        tenant: plan.tenant,
        owner: plan.owner,
        claimedNamespace: { name: namespace, uid: claimedUid },
      }),
    ).rejects.toThrow(/uid/i);
    // What TenantService does next: release what it claimed.
    await releaseTenantHome(cluster, plan, { metadata: { uid: claimedUid } });

    const stranger = JSON.parse(
      await kubectl('get', 'namespace', namespace, '-o', 'json'),
    );
    expect(stranger.metadata.labels ?? {}).not.toHaveProperty(
      'kaas.internal/managed-by',
    );
    expect(stranger.metadata.annotations ?? {}).not.toHaveProperty(
      'kaas.internal/owner',
    );
    expect(stranger.metadata.deletionTimestamp).toBeUndefined();
    expect(
      await kubectl(
        'get',
        'resourcequota,limitrange,rolebinding,networkpolicy',
        '-n',
        namespace,
        '-o',
        'name',
      ),
    ).toBe('');
    await kubectl('delete', 'namespace', namespace, '--wait=false');
  });

  it("validates a new tenant's dry run in the platform namespace, never inside another tenant's namespace", async () => {
    const { tenants } = localTestServices();
    const request = (name: string, owner: string) =>
      tenants.validate({
        name,
        owner,
        isolation: 'namespace',
        profile: 'small',
      });
    // Another team's tenant exists (the first in name order, so the one a search for
    // "any platform namespace" finds first).
    const other = `a0-${uniqueName('other')}`;
    await tenants.create(request(other, 'team-b'));

    // The API server refuses, in every tenant namespace, what a dry run creates to
    // validate objects elsewhere (a dry-run create under a generated name).
    const policy = uniqueName('no-dry-run-in-tenants');
    const vap = {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name: policy },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: {
          resourceRules: [
            {
              apiGroups: ['*'],
              apiVersions: ['*'],
              operations: ['CREATE'],
              resources: ['*'],
            },
          ],
          namespaceSelector: {
            matchExpressions: [
              { key: 'kaas.internal/tenant', operator: 'Exists' },
            ],
          },
        },
        matchConditions: [
          {
            name: 'dry-run-under-a-generated-name',
            expression:
              "request.dryRun == true && object.metadata.?generateName.orValue('') != ''",
          },
        ],
        validations: [
          {
            expression: 'false',
            message: "a dry run validated inside a tenant's namespace",
          },
        ],
      },
    };
    const binding = {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name: policy },
      spec: { policyName: policy, validationActions: ['Deny'] },
    };
    const file = path.join(os.tmpdir(), `${policy}.json`);
    fs.writeFileSync(
      file,
      JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [vap, binding] }),
    );
    await kubectl('apply', '-f', file);
    try {
      // The policy bites once the API server has loaded it.
      const probe = path.join(os.tmpdir(), `${policy}-probe.json`);
      fs.writeFileSync(
        probe,
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { generateName: 'probe-', namespace: `t-${other}` },
        }),
      );
      await waitFor(
        () =>
          kubectl('create', '--dry-run=server', '-f', probe).then(
            () => undefined,
            (error: Error) =>
              error.message.includes("inside a tenant's namespace")
                ? true
                : undefined,
          ),
        { timeoutMs: 30_000, describe: () => 'the admission policy to load' },
      );

      const name = uniqueName('dry-new');
      const result = await tenants.create(request(name, 'team-a'), {
        dryRun: true,
      });
      expect(result.dryRunValidatedIn).toBe('kaas-platform');
      expect(result.objects.every(o => o.action === 'dry-run')).toBe(true);
      expect(result.manifests?.map(m => m.metadata?.namespace)).toEqual([
        undefined,
        ...Array(result.manifests!.length - 1).fill(`t-${name}`),
      ]);
    } finally {
      await kubectl('delete', '-f', file, '--ignore-not-found');
      await tenants.delete(other);
    }
  }, 90_000);
});
