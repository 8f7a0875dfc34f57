import type { ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';

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

export const handleNotFound: NotFoundHandler<AppBindings> = (c) => {
  const detail = `There is no ${c.req.method} ${new URL(c.req.url).pathname}.`;
  return handleError(new ApiError('route_not_found', detail), c);
};

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
