import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, test } from '@playwright/test';
import { runTemplate, tokenOf } from './scaffolderTasks';

const execFileAsync = promisify(execFile);

/** Plays the CloudNativePG operator: reports the cluster healthy once it exists. */
async function playOperator(
  namespace: string,
  name: string,
  signal: { done: boolean },
) {
  const kubectl = process.env.KAAS_KUBECTL!;
  const kubeconfig = process.env.KAAS_ADMIN_KUBECONFIG!;
  while (!signal.done) {
    try {
      await execFileAsync(kubectl, [
        '--kubeconfig',
        kubeconfig,
        '-n',
        namespace,
        'patch',
        'clusters.postgresql.cnpg.io',
        name,
        '--subresource=status',
        '--type=merge',
        '-p',
        '{"status":{"phase":"Cluster in healthy state"}}',
      ]);
      return;
    } catch {
      await new Promise(r => setTimeout(r, 500));
    }
  }
}

test('a team provisions PostgreSQL in its tenant from the template', async ({
  page,
  request,
}) => {
  const tenant = `e2e-db-${Date.now().toString(36)}`;
  const alice = await tokenOf(request, 'alice');
  const created = await runTemplate(
    request,
    alice,
    'kubernetes-tenant-namespace',
    {
      name: tenant,
      owner: 'group:default/team-a',
      profile: 'small',
      cluster: 'local',
    },
  );
  expect(created.status, created.log).toBe('completed');

  // The form offers alice's tenant and the capability's plans, from the backend.
  await page.goto('/create/templates/default/xaas-postgresql');
  await page.getByLabel(/^Tenant\b/).click();
  await expect(page.getByRole('option', { name: tenant })).toBeVisible();
  await page.keyboard.press('Escape');
  await page.getByLabel(/Plan/).click();
  await expect(page.getByRole('option', { name: /Small/ })).toBeVisible();
  await page.keyboard.press('Escape');

  // bob's team does not own the tenant.
  const refused = await runTemplate(
    request,
    await tokenOf(request, 'bob'),
    'xaas-postgresql',
    {
      tenant,
      name: 'db',
      plan: 'small',
      settings: {},
    },
  );
  expect(refused.status).toBe('failed');
  expect(refused.log).toMatch(/team-a/);

  const signal = { done: false };
  const operator = playOperator(`t-${tenant}`, 'db', signal);
  const done = await runTemplate(request, alice, 'xaas-postgresql', {
    tenant,
    name: 'db',
    plan: 'small',
    settings: {},
  });
  signal.done = true;
  await operator;
  expect(done.status, done.log).toBe('completed');
  expect(done.log).toMatch(/Cluster .*db: created/);
  expect(done.log).toMatch(/ready/i);
});
