import type { Context, ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';

import type { AllowedMethods } from './allowed-methods';
import type { AppBindings } from './context';
import { ApiError } from './errors';

/** Maps every error to an RFC 9457 problem-details body; 5xx causes go to the log only. */
export const handleError: ErrorHandler<AppBindings> = (error, c) => {
  const problem = toApiError(error);
  if (problem.status >= 500) c.set('failure', error);

  const body = {
    type: `/problems/${problem.code}`,
    title: problem.title,
    status: problem.status,
    detail: problem.detail,
    code: problem.code,
    request_id: c.get('requestId'),
    ...(problem.errors ? { errors: problem.errors } : {}),
  };
  return c.body(JSON.stringify(body), problem.status, {
    ...problem.headers,
    'Content-Type': 'application/problem+json',
  });
};

/**
 * What no route answered: 405 with `Allow` when the path exists for other methods (`OPTIONS`
 * gets 204 and the same `Allow`), otherwise 404.
 */
export function handleUnrouted(c: Context<AppBindings>, methodsOf: AllowedMethods) {
  // The path as the router matched it: percent-escapes of plain characters decoded.
  const pathname = c.req.path;
  const allowed = methodsOf(pathname);
  if (allowed.length === 0) {
    return handleError(new ApiError('route_not_found', `There is no ${pathname}.`), c);
  }

  const allow = [...allowed, 'OPTIONS'].join(', ');
  if (c.req.method === 'OPTIONS') return c.body(null, 204, { Allow: allow });
  const detail = `${pathname} does not answer ${c.req.method}; it answers ${allowed.join(', ')}.`;
  return handleError(
    new ApiError('method_not_allowed', detail, undefined, { headers: { Allow: allow } }),
    c,
  );
}

function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof HTTPException && error.status < 500) {
    return new ApiError('bad_request', error.message);
  }
  return new ApiError(
    'internal_error',
    'The request could not be completed; it has been logged.',
    undefined,
    {
      cause: error,
    },
  );
}
