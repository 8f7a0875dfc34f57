import { Hono } from 'hono';

import type { AppBindings } from '../http/context';
import { ApiError } from '../http/errors';
import { validate } from '../http/validation';
import { errorReportCsv } from './error-report';
import { presentRowError, presentUpload } from './presenter';
import { receiveUpload } from './receive';
import { findUpload } from './repository';
import { listRowErrors } from './row-errors-repository';
import { errorListQuerySchema, toCursor, uploadIdParamsSchema } from './schemas';

/** Row errors shown inline in the upload object; the rest are at /errors. */
const FIRST_ERRORS = 10;

export const uploadRoutes = new Hono<AppBindings>()
  .post('/', async (c) => {
    const upload = await receiveUpload(c.env, c.req.raw, c.get('organizationId'));

    return c.json({ data: presentUpload(upload, []) }, 202, {
      Location: `/tasks/upload/${upload.id}`,
    });
  })
  .get('/:id', validate('param', uploadIdParamsSchema), async (c) => {
    const upload = await findOwnUpload(c.env.DB, c.get('organizationId'), c.req.valid('param').id);

    const firstErrors = await listRowErrors(c.env.DB, upload.id, 0, FIRST_ERRORS);
    return c.json({ data: presentUpload(upload, firstErrors) });
  })
  .get(
    '/:id/errors',
    validate('param', uploadIdParamsSchema),
    validate('query', errorListQuerySchema),
    async (c) => {
      const upload = await findOwnUpload(
        c.env.DB,
        c.get('organizationId'),
        c.req.valid('param').id,
      );
      const { limit, cursor, format } = c.req.valid('query');

      if (format === 'csv' || (!format && prefersCsv(c.req.header('Accept')))) {
        return c.body(errorReportCsv(c.env.DB, upload), 200, {
          'Content-Type': 'text/csv; charset=utf-8',
          'Content-Disposition': `attachment; filename="${upload.id}-errors.csv"`,
        });
      }

      // One row past the page tells whether there is a next one: a full last page ends the list.
      const found = await listRowErrors(c.env.DB, upload.id, cursor ?? 0, limit + 1);
      const errors = found.slice(0, limit);
      const nextCursor = found.length > limit ? toCursor(errors.at(-1)!.row) : null;
      return c.json({ data: errors.map(presentRowError), next_cursor: nextCursor });
    },
  );

async function findOwnUpload(db: D1Database, organizationId: string, id: string) {
  const upload = await findUpload(db, organizationId, id);
  if (!upload) throw new ApiError('not_found', `There is no upload ${id}.`);
  return upload;
}

/**
 * Whether the Accept header asks for CSV at least as much as for JSON, the default: `text/csv`
 * or `text/*` with a q above 0, not below that of `application/json`, `application/*` or `*\/*`.
 */
function prefersCsv(accept: string | undefined): boolean {
  let csv = 0;
  let json = 0;
  for (const range of (accept ?? '').split(',')) {
    const [type = '', ...parameters] = range.split(';').map((part) => part.trim().toLowerCase());
    const q = parameters.find((parameter) => parameter.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2)) || 0;
    if (type === 'text/csv' || type === 'text/*') csv = Math.max(csv, weight);
    if (['application/json', 'application/*', '*/*'].includes(type)) json = Math.max(json, weight);
  }
  return csv > 0 && csv >= json;
}
