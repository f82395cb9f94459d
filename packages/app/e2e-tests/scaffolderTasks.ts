import { APIRequestContext, expect } from '@playwright/test';

export const BACKEND =
  process.env.BACKSTAGE_BACKEND_URL ?? 'http://localhost:7007';

/** A Backstage token of a demo user, through the demo sign-in's documented header. */
export async function tokenOf(
  request: APIRequestContext,
  user: string,
): Promise<string> {
  const res = await request.get(`${BACKEND}/api/auth/demo/refresh`, {
    headers: { 'X-Requested-With': 'XMLHttpRequest', 'x-kaas-demo-user': user },
  });
  expect(res.ok()).toBe(true);
  return (await res.json()).backstageIdentity.token;
}

/** Runs a template through the scaffolder API and waits for its task to end. */
export async function runTemplate(
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
