import { expect, test } from '@playwright/test';

test('signs in as a demo user and lists the demo organisation', async ({ page }) => {
  await page.goto('/catalog?filters[kind]=group&filters[user]=all');

  // The demo sign-in lands as alice, a member of team-a.
  const table = page.getByRole('table');
  for (const group of ['platform-team', 'team-a', 'team-b']) {
    await expect(table.getByRole('link', { name: group, exact: true })).toBeVisible();
  }

  await page.goto('/settings');
  await expect(page.getByText('Alice Anders').first()).toBeVisible();
  await expect(page.getByText('user:default/alice').first()).toBeVisible();
});
