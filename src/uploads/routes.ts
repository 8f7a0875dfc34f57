import { Hono } from 'hono';

import type { AppBindings } from '../http/context';
import { ApiError } from '../http/errors';
import { validate } from '../http/validation';
import { errorReportCsv } from './error-report';
import { presentRowError, presentUpload } from './presenter';
import { receiveUpload } from './receive';
import { findUpload, findUploadWithFirstErrors } from './repository';
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
    const { id } = c.req.valid('param');
    const found = await findUploadWithFirstErrors(
      c.env.DB,
      c.get('organizationId'),
      id,
      FIRST_ERRORS,
    );
    if (!found) throw notFound(id);

    return c.json({ data: presentUpload(found.upload, found.firstErrors) });
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
  if (!upload) throw notFound(id);
  return upload;
}

/** RFC 9110 `qvalue`: 0 to 1 with at most three decimals. */
const QVALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;

/**
 * Whether the Accept header asks for CSV at least as much as for JSON, the default. Each side
 * takes the q of its most specific range (RFC 9110 section 12.5.1): `text/csv`, else `text/*`
 * for CSV, which must be named; `application/json`, else `application/*`, else `*\/*` for JSON.
 * A range with an unreadable q is ignored.
 */
function prefersCsv(accept: string | undefined): boolean {
  const weights = new Map<string, number>();
  for (const range of (accept ?? '').split(',')) {
    const [type = '', ...parameters] = range.split(';').map((part) => part.trim().toLowerCase());
    const q = parameters.find((parameter) => parameter.startsWith('q='))?.slice(2) ?? '1';
    if (QVALUE.test(q) && !weights.has(type)) weights.set(type, Number(q));
  }

  const weightOf = (...types: string[]) =>
    types.map((type) => weights.get(type)).find((weight) => weight !== undefined) ?? 0;
  const csv = weightOf('text/csv', 'text/*');
  return csv > 0 && csv >= weightOf('application/json', 'application/*', '*/*');
}

function notFound(id: string): ApiError {
  return new ApiError('not_found', `There is no upload ${id}.`);
}
