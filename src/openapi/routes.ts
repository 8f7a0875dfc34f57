import { Hono } from 'hono';

import type { AppBindings } from '../http/context';
import { buildOpenApiDocument } from './document';

let document: ReturnType<typeof buildOpenApiDocument> | undefined;

export const openApiRoutes = new Hono<AppBindings>().get('/', (c) => {
  document ??= buildOpenApiDocument();
  return c.json(document);
});
