import { Hono } from 'hono';

import type { AppBindings } from '../http/context';
import { ApiError } from '../http/errors';
import { pingDatabase } from './repository';

/** Unauthenticated liveness: 200 only when the Worker and its database both answer. */
export const healthRoutes = new Hono<AppBindings>().get('/', async (c) => {
  try {
    await pingDatabase(c.env.DB);
  } catch (cause) {
    throw new ApiError('service_unavailable', 'The database does not answer.', undefined, {
      cause,
    });
  }
  return c.json({ data: { status: 'ok' } });
});
