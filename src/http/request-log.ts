import { createMiddleware } from 'hono/factory';
import { routePath } from 'hono/route';

import { readSettings } from '../env';
import type { AppBindings, AppContext } from './context';

/** A request this slow is logged even when only problems are (REQUEST_LOG=problems). */
const SLOW_REQUEST_MS = 1_000;

/**
 * Writes a JSON line per request (REQUEST_LOG=all) or per problem: a 4xx or 5xx answer, or a
 * slow one. It names the route pattern rather than the path and never the credentials or the
 * body, so that no key or personal data reaches the logs.
 */
export const requestLog = createMiddleware<AppBindings>(async (c, next) => {
  const started = performance.now();

  await next();

  const durationMs = performance.now() - started;
  const problem = c.res.status >= 400 || durationMs >= SLOW_REQUEST_MS;
  if (problem || readSettings(c.env).REQUEST_LOG === 'all') {
    console.log(JSON.stringify(logLine(c, durationMs)));
  }
});

function logLine(c: AppContext, durationMs: number) {
  const failure = c.get('failure');
  return {
    message: 'request',
    method: c.req.method,
    route: routePath(c, -1),
    status: c.res.status,
    duration_ms: Math.round(durationMs * 10) / 10,
    request_id: c.get('requestId'),
    organization_id: c.get('organizationId') ?? null,
    ...(failure ? { error: describe(failure) } : {}),
  };
}

function describe(failure: unknown): string {
  return failure instanceof Error ? `${failure.name}: ${failure.message}` : String(failure);
}
