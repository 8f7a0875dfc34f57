import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { createApp } from '../../src/app';
import { createOrganization, type TestOrganization } from '../support/organizations';
import { taskBody } from '../support/tasks';

function captureLogLines() {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  return () => log.mock.calls.map(([line]) => JSON.parse(String(line)));
}

/** The Worker's app with REQUEST_LOG set, called as the runtime calls it. */
function serviceLogging(mode: 'all' | 'problems') {
  const app = createApp();
  const loggingEnv = { ...env, REQUEST_LOG: mode };
  return (organization: TestOrganization, path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    headers.set('Authorization', `Bearer ${organization.apiKey}`);
    return app.request(`https://tasks-ingest.test${path}`, { ...init, headers }, loggingEnv);
  };
}

function postTaskBody(body: unknown): RequestInit {
  return {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('request log with REQUEST_LOG=all', () => {
  it('writes one JSON line per request with route, status, duration and ids', async () => {
    const organization = await createOrganization();
    const send = serviceLogging('all');
    const lines = captureLogLines();

    const response = await send(organization, '/tasks', postTaskBody(taskBody()));

    expect(lines()).toEqual([
      {
        message: 'request',
        method: 'POST',
        route: '/tasks',
        status: 201,
        duration_ms: expect.any(Number),
        request_id: response.headers.get('X-Request-Id'),
        organization_id: organization.id,
      },
    ]);
  });

  it('names the route pattern, not the requested path', async () => {
    const organization = await createOrganization();
    const send = serviceLogging('all');
    const created = await send(organization, '/tasks', postTaskBody(taskBody()));
    const lines = captureLogLines();

    await send(organization, created.headers.get('Location')!);

    expect(lines()).toEqual([expect.objectContaining({ route: '/tasks/:id', status: 200 })]);
  });

  it('never contains the API key or an email', async () => {
    const organization = await createOrganization();
    const send = serviceLogging('all');
    const lines = captureLogLines();

    await send(organization, '/tasks', postTaskBody(taskBody()));
    await send(organization, '/tasks', postTaskBody(taskBody({ agent: { email: 'bad@' } })));

    const written = JSON.stringify(lines());
    expect(lines()).toHaveLength(2);
    expect(written).not.toContain(organization.apiKey);
    expect(written).not.toContain('alex@example.com');
    expect(written).not.toContain('bad@');
  });
});

describe('request log with REQUEST_LOG=problems', () => {
  it('writes no line for a request answered in time with success', async () => {
    const organization = await createOrganization();
    const send = serviceLogging('problems');
    const lines = captureLogLines();

    const response = await send(organization, '/tasks', postTaskBody(taskBody()));

    expect(response.status).toBe(201);
    expect(lines()).toEqual([]);
  });

  it('writes a line for every 4xx answer, with its request id', async () => {
    const organization = await createOrganization();
    const send = serviceLogging('problems');
    const lines = captureLogLines();

    const invalid = await send(organization, '/tasks', postTaskBody({ task: {} }));
    const missing = await send(organization, '/tasks/task_unknown');

    expect(lines()).toEqual([
      expect.objectContaining({
        route: '/tasks',
        status: 422,
        request_id: invalid.headers.get('X-Request-Id'),
      }),
      expect.objectContaining({
        route: '/tasks/:id',
        status: 404,
        request_id: missing.headers.get('X-Request-Id'),
      }),
    ]);
  });

  it('writes a line for a successful request that took a second or more', async () => {
    const organization = await createOrganization();
    const send = serviceLogging('problems');
    // The request log reads the clock before and after the request: 1.5 s apart here.
    const clock = [0, 1_500];
    vi.spyOn(performance, 'now').mockImplementation(() => clock.shift() ?? 1_500);
    const lines = captureLogLines();

    await send(organization, '/tasks', postTaskBody(taskBody()));

    expect(lines()).toEqual([expect.objectContaining({ status: 201, duration_ms: 1_500 })]);
  });
});
