import { exports } from 'cloudflare:workers';

import type { TestOrganization } from './organizations';

const ORIGIN = 'https://tasks-ingest.test';

/** Sends a request through the Worker's own fetch handler, as a client would. */
export function request(path: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(new Request(`${ORIGIN}${path}`, init));
}

/** A request authenticated as the organization. */
export function requestAs(
  organization: TestOrganization,
  path: string,
  init: RequestInit = {},
): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('Authorization', `Bearer ${organization.apiKey}`);
  return request(path, { ...init, headers });
}

/** POST /tasks with a JSON body, as the organization. */
export function postTask(organization: TestOrganization, body: unknown): Promise<Response> {
  return requestAs(organization, '/tasks', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}
