import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from '@playwright/test';
import { runTemplate, tokenOf } from './scaffolderTasks';

const execFileAsync = promisify(execFile);
const IMAGES = path.resolve(__dirname, '../../../docs/images');

/** The platform's cluster as its administrator (scripts/e2e.sh exports both). */
async function adminKubectl(...args: string[]) {
  const { stdout } = await execFileAsync(process.env.KAAS_KUBECTL!, [
    '--kubeconfig',
    process.env.KAAS_ADMIN_KUBECONFIG!,
    ...args,
  ]);
  return stdout.trim();
}

test("day 2 from the Tenant tab: an owner changes the tenant's profile and sees the new quota; hand edits show as drift and Repair puts the policy back", async ({
  page,
  request,
}) => {
  test.setTimeout(300_000);
  const tenant = `e2e-day2-${Date.now().toString(36)}`;
  const namespace = `t-${tenant}`;
  const created = await runTemplate(
    request,
    await tokenOf(request, 'alice'),
    'kubernetes-tenant-namespace',
    {
      name: tenant,
      owner: 'group:default/team-a',
      profile: 'small',
      cluster: 'local',
      description: 'Day-2 test',
    },
  );
  expect(created.status, created.log).toBe('completed');

  await page.setViewportSize({ width: 1400, height: 1000 });
  await page.goto(`/catalog/default/resource/${tenant}/kaas`);
  await expect(
    page.getByRole('progressbar', { name: /^pods used 0 of 20$/ }),
  ).toBeVisible();

  // Change profile: the update template opens with the tenant's values filled in.
  await page.getByTestId('kaas-change-profile').click();
  await expect(page).toHaveURL(
    /\/create\/templates\/default\/kubernetes-tenant-update/,
  );
  await expect(page.getByLabel(/Owning team/)).toHaveValue(
    'group:default/team-a',
  );
  await page.getByLabel(/Profile/).click();
  await page.getByRole('option', { name: /medium/i }).click();
  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByRole('button', { name: 'Create' }).click();
  const open = page.getByRole('link', { name: 'Open the tenant' });
  await expect(open).toBeVisible({ timeout: 180_000 });
  await page.goto((await open.getAttribute('href'))!);
  // The medium profile's quota, as the quota controller counts it.
  await expect(
    page.getByRole('progressbar', { name: /^pods used 0 of 100$/ }),
  ).toBeVisible();
  await expect(page.getByTestId('kaas-drift')).toHaveText(
    /As today's policy renders it/,
  );

  // A cluster admin loosens the policy by hand.
  await adminKubectl(
    '--namespace',
    namespace,
    'patch',
    'resourcequota',
    'tenant-quota',
    '--type=merge',
    '-p',
    '{"spec":{"hard":{"pods":"400"}}}',
  );
  await adminKubectl(
    '--namespace',
    namespace,
    'patch',
    'networkpolicy',
    'allow-same-namespace',
    '--type=merge',
    '-p',
    '{"spec":{"ingress":[{}]}}',
  );
  // The tab polls every 10 s.
  await expect(page.getByTestId('kaas-drift')).toHaveText(
    /Changed by hand: 2 object\(s\)/,
    { timeout: 30_000 },
  );
  await expect(page.getByTestId('kaas-drifted-object')).toHaveCount(2);
  await expect(
    page
      .getByTestId('kaas-drifted-object')
      .filter({ hasText: 'spec.hard.pods' }),
  ).toContainText('"400", the policy says "100"');
  await page.getByTestId('kaas-drift').scrollIntoViewIfNeeded();
  fs.mkdirSync(IMAGES, { recursive: true });
  await page.screenshot({ path: path.join(IMAGES, 'tenant-drift.png') });

  await page.getByTestId('kaas-repair-button').click();
  const dialog = page.getByTestId('kaas-repair-dialog');
  await expect(dialog).toContainText('spec.hard.pods');
  await expect(dialog).toContainText('spec.ingress');
  await page.getByTestId('kaas-repair-confirm').click();
  await expect(dialog).toContainText('Put back 2 field(s)');
  expect(
    await adminKubectl(
      '--namespace',
      namespace,
      'get',
      'resourcequota',
      'tenant-quota',
      '-o',
      'jsonpath={.spec.hard.pods}',
    ),
  ).toBe('100');
  await page.getByRole('button', { name: 'Close' }).click();
  await expect(page.getByTestId('kaas-drift')).toHaveText(
    /As today's policy renders it/,
    { timeout: 30_000 },
  );
});
