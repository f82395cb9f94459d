import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, test, type Page } from '@playwright/test';
import { runTemplate, tokenOf } from './scaffolderTasks';

const execFileAsync = promisify(execFile);
const IMAGES = path.resolve(__dirname, '../../../docs/images');

/** The repo's own kubectl (scripts/e2e.sh exports it) with the downloaded kubeconfig. */
async function kubectl(kubeconfig: string, ...args: string[]) {
  try {
    const { stdout } = await execFileAsync(process.env.KAAS_KUBECTL!, [
      '--kubeconfig',
      kubeconfig,
      ...args,
    ]);
    return { ok: true, output: stdout.trim() };
  } catch (error: any) {
    return { ok: false, output: `${error.stdout ?? ''}${error.stderr ?? ''}` };
  }
}

/** A screenshot for the README, of the viewport (Backstage's sidebar is fixed to it). */
async function screenshot(page: Page, name: string) {
  fs.mkdirSync(IMAGES, { recursive: true });
  await page.screenshot({ path: path.join(IMAGES, name) });
}

test('a developer requests a tenant, sees it live and uses its kubeconfig with kubectl', async ({
  page,
  request,
}) => {
  test.setTimeout(300_000);
  const tenant = `e2e-page-${Date.now().toString(36)}`;
  const otherTenant = `${tenant}-b`;
  // Another team's tenant, to be refused in.
  const other = await runTemplate(
    request,
    await tokenOf(request, 'bob'),
    'kubernetes-tenant-namespace',
    {
      name: otherTenant,
      owner: 'group:default/team-b',
      profile: 'small',
      cluster: 'local',
    },
  );
  expect(other.status, other.log).toBe('completed');

  // alice (team-a) fills the namespace-tenant template in the UI.
  await page.setViewportSize({ width: 1400, height: 1000 });
  await page.goto('/create/templates/default/kubernetes-tenant-namespace');
  await page.getByLabel(/Tenant name/).fill(tenant);
  // alice has one group and there is one cluster: both pickers fill themselves.
  await expect(page.getByLabel(/Owning team/)).toHaveValue('team-a');
  await expect(page.getByText('Local control plane')).toBeVisible();
  await page.getByLabel(/Profile/).click();
  await page.getByRole('option', { name: /small/i }).click();
  await page.getByLabel(/Purpose/).fill('Checkout service, development');
  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByRole('button', { name: 'Create' }).click();

  // The task runs both steps and links to the tenant page.
  const open = page.getByRole('link', { name: 'Open the tenant' });
  await expect(open).toBeVisible({ timeout: 180_000 });
  // The output link opens in a new tab; follow it in this one.
  const href = await open.getAttribute('href');
  expect(href).toMatch(new RegExp(`/catalog/default/resource/${tenant}/kaas$`));
  await page.goto(href!);

  // The tenant page: ready, quota bars, its namespace.
  await expect(page).toHaveURL(
    new RegExp(`/catalog/default/resource/${tenant}/kaas`),
  );
  await expect(page.getByTestId('kaas-tenant-phase')).toHaveText(/Ready/, {
    timeout: 60_000,
  });
  await expect(page.getByText(`t-${tenant}`).first()).toBeVisible();
  await expect(page.getByText(/is Active/).first()).toBeVisible();
  await expect(
    page.getByRole('progressbar', { name: /^pods used 0 of 20$/ }),
  ).toBeVisible();
  await page.setViewportSize({ width: 1400, height: 2300 });
  await screenshot(page, 'tenant-page.png');
  await page.setViewportSize({ width: 1400, height: 1000 });

  // Download a kubeconfig (token mode, 1 hour).
  await page.getByRole('button', { name: 'Download kubeconfig' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toBeVisible();
  await screenshot(page, 'kubeconfig-dialog.png');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    dialog.getByRole('button', { name: 'Download' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe(`${tenant}.kubeconfig`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kaas-e2e-kubeconfig-'));
  const file = path.join(dir, download.suggestedFilename());
  await download.saveAs(file);
  await expect(dialog.getByTestId('kaas-kubectl-line')).toContainText(
    `--kubeconfig ${tenant}.kubeconfig`,
  );

  // It works with plain kubectl in the tenant's namespace, and nowhere else.
  const context = await kubectl(
    file,
    'config',
    'view',
    '--minify',
    '-o',
    'jsonpath={..namespace}',
  );
  expect(context.output).toBe(`t-${tenant}`);
  expect(await kubectl(file, 'auth', 'can-i', 'create', 'deployments')).toEqual(
    {
      ok: true,
      output: 'yes',
    },
  );
  const pods = await kubectl(file, 'get', 'pods');
  expect(pods.ok, pods.output).toBe(true);
  const refused = await kubectl(file, 'get', 'pods', '-n', `t-${otherTenant}`);
  expect(refused.ok).toBe(false);
  expect(refused.output).toMatch(/Forbidden/);
  fs.rmSync(dir, { recursive: true, force: true });
  await page.keyboard.press('Escape');

  // The Tenants page lists alice's tenants and the capabilities on offer.
  await page.goto('/kaas/tenants');
  await expect(page.getByRole('link', { name: tenant })).toBeVisible();
  await expect(page.getByRole('link', { name: otherTenant })).toHaveCount(0);
  await expect(page.getByText('PostgreSQL').first()).toBeVisible();
  await screenshot(page, 'tenants-page.png');
});
