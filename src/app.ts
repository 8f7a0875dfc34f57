import { Hono, type Context } from 'hono';

import { requireApiKey } from './auth/middleware';
import { healthRoutes } from './health/routes';
import type { AppBindings } from './http/context';
import { allowedMethods } from './http/allowed-methods';
import { handleError, handleUnrouted } from './http/problem';
import { requestId } from './http/request-id';
import { requestLog } from './http/request-log';
import { openApiRoutes } from './openapi/routes';
import { taskRoutes } from './tasks/routes';
import { uploadRoutes } from './uploads/routes';

/** The HTTP API: request id and log around everything, auth in front of every resource. */
export function createApp() {
  const app = new Hono<AppBindings>()
    .use(requestId, requestLog)
    .route('/health', healthRoutes)
    .route('/openapi.json', openApiRoutes)
    .use('/tasks/*', requireApiKey)
    .route('/tasks/upload', uploadRoutes)
    // The upload collection, never the task `upload` of /tasks/{id}: other methods end here.
    .all('/tasks/upload', (c) => unrouted(c))
    .route('/tasks', taskRoutes);

  const methodsOf = allowedMethods(app.routes);
  const unrouted = (c: Context<AppBindings>) => handleUnrouted(c, methodsOf);
  return app.onError(handleError).notFound(unrouted);
}
