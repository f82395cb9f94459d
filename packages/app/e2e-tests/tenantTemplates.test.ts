import { APIRequestContext, expect, test } from '@playwright/test';

const BACKEND = process.env.BACKSTAGE_BACKEND_URL ?? 'http://localhost:7007';

async function tokenOf(
  request: APIRequestContext,
  user: string,
): Promise<string> {
  const res = await request.get(`${BACKEND}/api/auth/demo/refresh`, {
    headers: { 'X-Requested-With': 'XMLHttpRequest', 'x-kaas-demo-user': user },
  });
  expect(res.ok()).toBe(true);
  return (await res.json()).backstageIdentity.token;
}

async function runTemplate(
  request: APIRequestContext,
  token: string,
  template: string,
  values: Record<string, unknown>,
) {
  const created = await request.post(`${BACKEND}/api/scaffolder/v2/tasks`, {
    headers: { Authorization: `Bearer ${token}` },
    data: { templateRef: `template:default/${template}`, values },
  });
  expect(created.status(), await created.text()).toBe(201);
  const { id } = await created.json();
  for (let i = 0; i < 240; i++) {
    const task = await request.get(`${BACKEND}/api/scaffolder/v2/tasks/${id}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    const body = await task.json();
    if (['completed', 'failed', 'cancelled'].includes(body.status)) {
      const events = await request.get(
        `${BACKEND}/api/scaffolder/v2/tasks/${id}/events`,
        { headers: { Authorization: `Bearer ${token}` } },
      );
      const log = (await events.json())
        .map((e: any) => e.body?.message)
        .filter(Boolean)
        .join('\n');
      return { status: body.status as string, log };
    }
    await new Promise(r => setTimeout(r, 500));
  }
  throw new Error(`task ${id} did not finish`);
}

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
