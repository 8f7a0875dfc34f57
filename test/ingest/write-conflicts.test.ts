import { describe, expect, it } from 'vitest';

import { ApiError } from '../../src/http/errors';
import { ingestTasks } from '../../src/ingest/ingest';
import { taskInputSchema } from '../../src/tasks/schemas';
import { interceptBatches } from '../support/intercepted-d1';
import { createOrganization } from '../support/organizations';
import { taskBody } from '../support/tasks';

/** A database whose write batches (every second batch; reads come first) all fail. */
function failingWrites(message: string): { db: D1Database; writes: () => number } {
  let batches = 0;
  const db = interceptBatches(async (statements, real) => {
    if (++batches % 2 === 1) return real(statements);
    throw new Error(message);
  });
  return { db, writes: () => batches / 2 };
}

describe('write conflicts', () => {
  it('are retried from a fresh read, then refused with 503 and Retry-After', async () => {
    const organization = await createOrganization();
    const { db, writes } = failingWrites(
      'D1_ERROR: UNIQUE constraint failed: tasks.organization_id, tasks.external_id',
    );
    const input = taskInputSchema.parse(taskBody().task);

    const attempt = ingestTasks(db, organization.id, [input]);

    const error = await attempt.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 503,
      code: 'write_conflict',
      headers: { 'Retry-After': '1' },
    });
    expect(writes()).toBe(8);
  });

  it('are not retried when the error is anything else', async () => {
    const organization = await createOrganization();
    const input = taskInputSchema.parse(taskBody().task);
    const { db, writes } = failingWrites('D1_ERROR: no such table: tasks');

    await expect(ingestTasks(db, organization.id, [input])).rejects.toThrow('no such table');
    expect(writes()).toBe(1);
  });
});
