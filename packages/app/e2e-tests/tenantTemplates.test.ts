import { expect, test } from '@playwright/test';
import { runTemplate, tokenOf } from './scaffolderTasks';

test('the namespace-tenant template shows the platform pickers', async ({
  page,
}) => {
  await page.goto('/create/templates/default/kubernetes-tenant-namespace');
  await expect(
    page.getByText('Request a Kubernetes tenant (namespace)'),
  ).toBeVisible();
  // Profiles and clusters come from the backend's configuration.
  await page.getByLabel(/Profile/).click();
  await expect(page.getByRole('option', { name: /small/i })).toBeVisible();
});

test('the namespace-tenant template provisions a tenant for its owner and refuses others', async ({
  request,
}) => {
  const name = `e2e-${Date.now().toString(36)}`;
  const values = {
    name,
    owner: 'group:default/team-a',
    profile: 'small',
    cluster: 'local',
  };

  const refused = await runTemplate(
    request,
    await tokenOf(request, 'bob'),
    'kubernetes-tenant-namespace',
    values,
  );
  expect(refused.status).toBe('failed');
  expect(refused.log).toMatch(/team-a/);

  const done = await runTemplate(
    request,
    await tokenOf(request, 'alice'),
    'kubernetes-tenant-namespace',
    values,
  );
  expect(done.status, done.log).toBe('completed');
  expect(done.log).toMatch(new RegExp(`Namespace t-${name}`));
});
