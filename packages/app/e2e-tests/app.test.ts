import { expect, test } from '@playwright/test';

const BACKEND = process.env.BACKSTAGE_BACKEND_URL ?? 'http://localhost:7007';

test('signs in as a demo user of team-a and lists the demo organisation', async ({
  page,
}) => {
  await page.goto('/catalog?filters[kind]=group&filters[user]=all');

  const table = page.getByRole('table');
  for (const group of ['platform-team', 'team-a', 'team-b']) {
    await expect(
      table.getByRole('link', { name: group, exact: true }),
    ).toBeVisible();
  }

  await page.goto('/settings');
  await expect(
    page.getByRole('heading', { name: 'alice', exact: true }),
  ).toBeVisible();

  // The sign-in resolved alice's groups from the catalog.
  const session = await page.request.get(`${BACKEND}/api/auth/demo/refresh`, {
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  expect(session.ok()).toBe(true);
  const { identity } = (await session.json()).backstageIdentity;
  expect(identity.userEntityRef).toBe('user:default/alice');
  expect(identity.ownershipEntityRefs).toContain('group:default/team-a');
});

test('the documented cookie signs in as another demo user', async ({
  page,
  context,
}) => {
  await context.addCookies([
    { name: 'kaas-demo-user', value: 'bob', domain: 'localhost', path: '/' },
  ]);
  await page.goto('/settings');
  await expect(
    page.getByRole('heading', { name: 'bob', exact: true }),
  ).toBeVisible();

  const session = await page.request.get(`${BACKEND}/api/auth/demo/refresh`, {
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  const { identity } = (await session.json()).backstageIdentity;
  expect(identity.userEntityRef).toBe('user:default/bob');
  expect(identity.ownershipEntityRefs).toContain('group:default/team-b');
  expect(identity.ownershipEntityRefs).not.toContain('group:default/team-a');
});
