import fs from 'node:fs';
import { expect, test, type Page } from '@playwright/test';

const BACKEND = process.env.BACKSTAGE_BACKEND_URL ?? 'http://localhost:7007';

/** The demo users' passwords, which the local Keycloak's first start made (scripts/lib/sso.sh). */
function passwordOf(user: string): string {
  const file = process.env.KAAS_E2E_PASSWORDS;
  if (!file)
    throw new Error('KAAS_E2E_PASSWORDS is not set (scripts/e2e.sh sets it)');
  return JSON.parse(fs.readFileSync(file, 'utf8')).passwords[user];
}

/** What a person does: the app's sign-in button, then Keycloak's login page in the popup. */
async function signInOnKeycloak(page: Page, user: string) {
  await page.goto('/');
  const popup = page.waitForEvent('popup');
  await page.getByRole('button', { name: /sign in/i }).click();
  const login = await popup;
  await login.locator('#username').fill(user);
  await login.locator('#password').fill(passwordOf(user));
  const closed = login.waitForEvent('close');
  await login.locator('#kc-login').click();
  await closed;
}

async function identityOf(page: Page) {
  const session = await page.request.get(
    `${BACKEND}/api/auth/oidc/refresh?env=development`,
    { headers: { 'X-Requested-With': 'XMLHttpRequest' } },
  );
  expect(session.ok()).toBe(true);
  return (await session.json()).backstageIdentity.identity;
}

test("alice signs in to Backstage on Keycloak's login page, as the catalog's alice with the groups Keycloak gives her", async ({
  page,
}) => {
  await signInOnKeycloak(page, 'alice');
  // Signed in: the app's pages, not the sign-in page.
  await page.goto('/catalog?filters[kind]=group&filters[user]=all');
  const table = page.getByRole('table');
  for (const group of ['platform-team', 'team-a', 'team-b']) {
    await expect(
      table.getByRole('link', { name: group, exact: true }),
    ).toBeVisible();
  }
  const identity = await identityOf(page);
  expect(identity.userEntityRef).toBe('user:default/alice');
  expect(identity.ownershipEntityRefs).toContain('group:default/team-a');
  expect(identity.ownershipEntityRefs).not.toContain('group:default/team-b');

  // A second visit signs in without the login page (the session's refresh cookie).
  await page.goto('/settings');
  await expect(page.getByRole('button', { name: /sign in/i })).toHaveCount(0);
});

test('bob signs in as bob, in team-b only', async ({ page }) => {
  await signInOnKeycloak(page, 'bob');
  const identity = await identityOf(page);
  expect(identity.userEntityRef).toBe('user:default/bob');
  expect(identity.ownershipEntityRefs).toContain('group:default/team-b');
  expect(identity.ownershipEntityRefs).not.toContain('group:default/team-a');
});

test('the default setup has no demo sign-in', async ({ request }) => {
  const demo = await request.get(`${BACKEND}/api/auth/demo/refresh`, {
    headers: {
      'X-Requested-With': 'XMLHttpRequest',
      'x-kaas-demo-user': 'alice',
    },
  });
  expect(demo.status()).toBe(404);
});
