import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, test, type APIRequestContext } from '@playwright/test';
import { BACKEND, runTemplate, tokenOf } from './scaffolderTasks';

const execFileAsync = promisify(execFile);
const IMAGES = path.resolve(__dirname, '../../../docs/images');

/** A sixth capability, only in configuration: a ConfigMap stands in for a cache server. */
const cache = {
  title: 'Key-value cache',
  description: 'An in-memory cache for one tenant',
  owner: 'group:default/team-b',
  parameters: {
    type: 'object',
    additionalProperties: false,
    properties: {
      memory: {
        type: 'string',
        title: 'Memory',
        description: 'How much memory the cache may use',
        pattern: '^[0-9]+Mi$',
      },
      evictionPolicy: {
        type: 'string',
        description: 'What goes first when the cache is full',
        enum: ['lru', 'lfu'],
        default: 'lru',
      },
    },
    required: ['memory'],
  },
  plans: {
    small: {
      title: 'Small',
      description: '64 MiB',
      parameters: { memory: '64Mi' },
    },
  },
  objects: [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: '${{ instance.name }}' },
      data: {
        memory: '${{ parameters.memory }}',
        policy: '${{ parameters.evictionPolicy }}',
      },
    },
  ],
  readiness: { field: { path: 'data.memory', equals: '64Mi' } },
};

/** Writes the tests' extra config file (scripts/e2e.sh passes it to the platform). */
function configureCapabilities(capabilities: Record<string, unknown>) {
  fs.writeFileSync(
    process.env.KAAS_E2E_CONFIG!,
    // JSON is YAML too.
    JSON.stringify({ kaas: { capabilities } }),
  );
}

async function entity(request: APIRequestContext, token: string, ref: string) {
  const res = await request.get(
    `${BACKEND}/api/catalog/entities/by-name/${ref}`,
    { headers: { Authorization: `Bearer ${token}` } },
  );
  return res.status() === 200 ? res.json() : undefined;
}

test('a capability added only in configuration becomes a template on the Create page that a developer runs, without a restart', async ({
  page,
  request,
}) => {
  test.setTimeout(300_000);
  const alice = await tokenOf(request, 'alice');
  const tenant = `e2e-gen-${Date.now().toString(36)}`;
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

  configureCapabilities({ cache });
  try {
    // The catalog serves the generated template and the capability's own entity.
    await expect
      .poll(() => entity(request, alice, 'template/default/xaas-cache'), {
        timeout: 120_000,
        intervals: [1000],
      })
      .toBeTruthy();
    const capability = await entity(
      request,
      alice,
      'resource/default/xaas-capability-cache',
    );
    expect(capability?.spec).toMatchObject({
      type: 'xaas-capability',
      owner: 'group:default/team-b',
    });

    await page.setViewportSize({ width: 1400, height: 1000 });
    await page.goto('/create');
    await expect(page.getByText('Request Key-value cache')).toBeVisible({
      timeout: 60_000,
    });
    await page.goto('/create/templates/default/xaas-cache');
    await page.getByLabel(/^Tenant\b/).click();
    await page.getByRole('option', { name: tenant }).click();
    await page.getByLabel(/^Name\b/).fill('sessions');
    await page.getByLabel(/Plan/).click();
    await page.getByRole('option', { name: /Small/ }).click();
    await page.getByRole('button', { name: 'Next' }).click();
    // The settings page comes from the capability's JSON Schema.
    await expect(page.getByLabel(/^Memory/)).toBeVisible();
    await page.getByLabel(/Eviction policy/).click();
    await page.getByRole('option', { name: 'lfu' }).click();
    fs.mkdirSync(IMAGES, { recursive: true });
    await page.screenshot({
      path: path.join(IMAGES, 'generated-template-form.png'),
    });
    await page.getByRole('button', { name: 'Review' }).click();
    await page.getByRole('button', { name: 'Create' }).click();
    await expect(
      page.getByRole('link', { name: /Open the/ }).first(),
    ).toBeVisible({ timeout: 180_000 });

    // The instance is on the cluster with the chosen setting, and in the catalog.
    const { stdout } = await execFileAsync(process.env.KAAS_KUBECTL!, [
      '--kubeconfig',
      process.env.KAAS_ADMIN_KUBECONFIG!,
      '-n',
      `t-${tenant}`,
      'get',
      'configmap',
      'sessions',
      '-o',
      'jsonpath={.data.policy}',
    ]);
    expect(stdout).toBe('lfu');
    await expect
      .poll(
        async () =>
          (
            await entity(request, alice, `resource/default/${tenant}.sessions`)
          )?.spec?.dependsOn,
        { timeout: 60_000, intervals: [1000] },
      )
      .toContain('resource:default/xaas-capability-cache');
  } finally {
    // Removed from configuration, the template leaves the Create page.
    configureCapabilities({});
  }
  await expect
    .poll(() => entity(request, alice, 'template/default/xaas-cache'), {
      timeout: 120_000,
      intervals: [1000],
    })
    .toBeUndefined();
});
