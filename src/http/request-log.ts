import { createMiddleware } from 'hono/factory';
import { routePath } from 'hono/route';

import type { AppBindings } from './context';

/**
 * Writes one JSON line per request. It names the route pattern rather than the path and
 * never the credentials or the body, so that no key or personal data reaches the logs.
 */
export const requestLog = createMiddleware<AppBindings>(async (c, next) => {
  const started = performance.now();

  await next();

  const failure = c.get('failure');
  const line = {
    message: 'request',
    method: c.req.method,
    route: routePath(c, -1),
    status: c.res.status,
    duration_ms: Math.round((performance.now() - started) * 10) / 10,
    request_id: c.get('requestId'),
    organization_id: c.get('organizationId') ?? null,
    ...(failure ? { error: describe(failure) } : {}),
  };
  console.log(JSON.stringify(line));
});

function describe(failure: unknown): string {
  return failure instanceof Error ? `${failure.name}: ${failure.message}` : String(failure);
}
