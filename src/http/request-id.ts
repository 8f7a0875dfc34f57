import { createMiddleware } from 'hono/factory';

import { newId } from '../lib/ids';
import type { AppBindings } from './context';

/** Printable, short and free of anything that could break a log line or a header. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Honours a sane incoming `X-Request-Id`, otherwise mints one; echoes it on every response. */
export const requestId = createMiddleware<AppBindings>(async (c, next) => {
  const incoming = c.req.header('X-Request-Id');
  const id = incoming && SANE_REQUEST_ID.test(incoming) ? incoming : newId('req');
  c.set('requestId', id);

  await next();

  c.res.headers.set('X-Request-Id', id);
});
