import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';

import { request, requestAs } from '../support/http';
import { createOrganization } from '../support/organizations';
import { taskBody } from '../support/tasks';

const postWith = (authorization: string | null) =>
  request('/tasks', {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      ...(authorization ? { Authorization: authorization } : {}),
    },
    body: JSON.stringify(taskBody()),
  });

describe('authentication', () => {
  it.each([
    ['no Authorization header', null],
    ['another scheme', 'Basic dXNlcjpwYXNz'],
    ['a bearer without a key', 'Bearer'],
    ['a malformed key', 'Bearer not-a-key'],
    ['an unknown key', `Bearer tik_${'A'.repeat(43)}`],
  ])('answers 401 with a problem for %s', async (_case, authorization) => {
    const response = await postWith(authorization);

    expect(response.status).toBe(401);
    expect(response.headers.get('WWW-Authenticate')).toBe('Bearer');
    expect(response.headers.get('Content-Type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({ status: 401, code: 'unauthorized' });
  });

  it('checks the key before looking at the body', async () => {
    const response = await request('/tasks', { method: 'POST', body: 'not json' });

    expect(response.status).toBe(401);
  });

  it('protects reads as well as writes', async () => {
    const response = await request('/tasks/task_01JX6Q4ZK8M2B9T1V3W5Y7A9C0');

    expect(response.status).toBe(401);
  });

  it('accepts a key the moment it is created', async () => {
    const organization = await createOrganization();

    const response = await requestAs(organization, '/tasks/task_01JX6Q4ZK8M2B9T1V3W5Y7A9C0');

    expect(response.status).toBe(404);
  });

  it('stores only a hash of the key', async () => {
    const organization = await createOrganization();

    const stored = await env.DB.prepare(
      `SELECT key_hash, key_hint FROM api_keys WHERE organization_id = ?1`,
    )
      .bind(organization.id)
      .first<{ key_hash: string; key_hint: string }>();

    expect(stored?.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored?.key_hash).not.toContain(organization.apiKey);
    expect(organization.apiKey.startsWith(stored!.key_hint)).toBe(true);
    expect(stored!.key_hint.length).toBeLessThan(12);
  });
});
