import { afterEach, describe, expect, it, vi } from 'vitest';

import { postTask, request } from '../support/http';
import { createOrganization } from '../support/organizations';
import { taskBody } from '../support/tasks';

function captureLogLines() {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  return () => log.mock.calls.map(([line]) => String(line));
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('request log', () => {
  it('writes one JSON line per request with route, status, duration and ids', async () => {
    const organization = await createOrganization();
    const lines = captureLogLines();

    const response = await postTask(organization, taskBody());

    expect(lines()).toHaveLength(1);
    expect(JSON.parse(lines()[0]!)).toEqual({
      message: 'request',
      method: 'POST',
      route: '/tasks',
      status: 201,
      duration_ms: expect.any(Number),
      request_id: response.headers.get('X-Request-Id'),
      organization_id: organization.id,
    });
  });

  it('names the route pattern, not the requested path', async () => {
    const organization = await createOrganization();
    const created = await postTask(organization, taskBody());
    const lines = captureLogLines();

    await request(created.headers.get('Location')!, {
      headers: { Authorization: `Bearer ${organization.apiKey}` },
    });

    expect(JSON.parse(lines()[0]!)).toMatchObject({ route: '/tasks/:id', status: 200 });
  });

  it('never contains the API key or an email', async () => {
    const organization = await createOrganization();
    const lines = captureLogLines();

    await postTask(organization, taskBody());
    await postTask(organization, taskBody({ agent: { email: 'bad@' } }));

    const written = lines().join('\n');
    expect(written).not.toContain(organization.apiKey);
    expect(written).not.toContain('alex@example.com');
    expect(written).not.toContain('bad@');
  });
});
