import { describe, expect, it } from 'vitest';

import { postTask, request, requestAs } from '../support/http';
import { createOrganization } from '../support/organizations';
import { taskBody } from '../support/tasks';

describe('a method an endpoint does not answer', () => {
  it.each([
    ['PUT', '/tasks/task_01JX6Q4ZK8M2B9T1V3W5Y7A9C0', 'GET, HEAD, OPTIONS'],
    ['DELETE', '/tasks/upload/upload_01JX6Q4ZK8M2B9T1V3W5Y7A9C0', 'GET, HEAD, OPTIONS'],
    ['POST', '/tasks/upload/upload_01JX6Q4ZK8M2B9T1V3W5Y7A9C0/errors', 'GET, HEAD, OPTIONS'],
    ['GET', '/tasks', 'POST, OPTIONS'],
    // The upload collection, not the task "upload" that /tasks/{id} would read.
    ['GET', '/tasks/upload', 'POST, OPTIONS'],
    ['PUT', '/tasks/upload', 'POST, OPTIONS'],
    // Routed as the path it decodes to, and answered for that path.
    ['GET', '/tasks/%75pload', 'POST, OPTIONS'],
  ])('%s %s gets 405 with the methods it allows', async (method, path, allow) => {
    const organization = await createOrganization();

    const response = await requestAs(organization, path, { method });

    expect(response.status).toBe(405);
    expect(response.headers.get('Allow')).toBe(allow);
    expect(response.headers.get('Content-Type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({
      status: 405,
      code: 'method_not_allowed',
      detail: expect.stringContaining(method),
    });
  });

  it('gets 405 on the public endpoints without a key', async () => {
    const response = await request('/health', { method: 'POST' });

    expect(response.status).toBe(405);
    expect(response.headers.get('Allow')).toBe('GET, HEAD, OPTIONS');
  });

  it('still needs a key on the authenticated paths, before anything is said about them', async () => {
    const response = await request('/tasks/task_1', { method: 'PUT' });

    expect(response.status).toBe(401);
  });

  it('answers HEAD wherever GET is allowed, without a body', async () => {
    const organization = await createOrganization();
    const created = await postTask(organization, taskBody());
    const { data } = await created.json<{ data: { id: string } }>();

    const response = await requestAs(organization, `/tasks/${data.id}`, { method: 'HEAD' });

    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });

  it('answers HEAD with 405 where GET is not allowed either', async () => {
    const organization = await createOrganization();

    const response = await requestAs(organization, '/tasks/upload', { method: 'HEAD' });

    expect(response.status).toBe(405);
    expect(response.headers.get('Allow')).toBe('POST, OPTIONS');
  });

  it('answers OPTIONS with 204 and Allow', async () => {
    const organization = await createOrganization();

    const response = await requestAs(organization, '/tasks/upload', { method: 'OPTIONS' });

    expect(response.status).toBe(204);
    expect(response.headers.get('Allow')).toBe('POST, OPTIONS');
  });
});

describe('a path no endpoint has', () => {
  it('gets 404 route_not_found, whatever the method', async () => {
    const statuses = await Promise.all(
      ['GET', 'POST', 'DELETE'].map(async (method) => {
        const response = await request('/no-such-route', { method });
        return [response.status, (await response.json<{ code: string }>()).code];
      }),
    );

    expect(statuses).toEqual([
      [404, 'route_not_found'],
      [404, 'route_not_found'],
      [404, 'route_not_found'],
    ]);
  });
});
