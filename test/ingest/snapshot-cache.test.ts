import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';

import { ingestTasks } from '../../src/ingest/ingest';
import { SnapshotCache } from '../../src/ingest/snapshot-cache';
import { taskInputSchema } from '../../src/tasks/schemas';
import { employeesOf, tasksOf } from '../support/database';
import { interceptBatches } from '../support/intercepted-d1';
import { createOrganization } from '../support/organizations';
import { taskBody } from '../support/tasks';

/** The D1 binding, counting the round trips (batches) made through it. */
function countingDatabase() {
  let batches = 0;
  const db = interceptBatches((statements, real) => {
    batches++;
    return real(statements);
  });
  return { db, batches: () => batches };
}

const task = (overrides: Record<string, unknown> = {}) =>
  taskInputSchema.parse(taskBody(overrides).task);

describe('ingesting with a cache of recent records', () => {
  it('needs one round trip for a new task, a re-post and an update of a known task', async () => {
    const organization = await createOrganization();
    const cache = new SnapshotCache(100);
    const { db, batches } = countingDatabase();

    const created = await ingestTasks(db, organization.id, [task()], { cache });
    const afterCreate = batches();
    const unchanged = await ingestTasks(db, organization.id, [task()], { cache });
    const afterRepost = batches();
    const updated = await ingestTasks(
      db,
      organization.id,
      [task({ completed_at: '2026-06-01T00:00:00Z' })],
      {
        cache,
      },
    );

    expect([created[0]!.outcome, unchanged[0]!.outcome, updated[0]!.outcome]).toEqual([
      'created',
      'unchanged',
      'updated',
    ]);
    expect([afterCreate, afterRepost - afterCreate, batches() - afterRepost]).toEqual([1, 1, 1]);
  });

  it('reads again when another isolate changed the records, and decides as a fresh read would', async () => {
    const organization = await createOrganization();
    const thisIsolate = new SnapshotCache(100);
    const otherIsolate = new SnapshotCache(100);
    await ingestTasks(env.DB, organization.id, [task({ agent: { external_id: 'E-1' } })], {
      cache: thisIsolate,
    });
    await ingestTasks(
      env.DB,
      organization.id,
      [task({ agent: { external_id: 'E-1', email: 'e1@example.com' } })],
      {
        cache: otherIsolate,
      },
    );
    const { db, batches } = countingDatabase();

    const [applied] = await ingestTasks(
      db,
      organization.id,
      [task({ agent: { email: 'E1@example.com' } })],
      {
        cache: thisIsolate,
      },
    );

    // The guarded write from the stale cache fails; the fresh read finds nothing to write.
    expect(batches()).toBe(2);
    expect(applied!.outcome).toBe('unchanged');
    expect(applied!.agent).toMatchObject({ externalId: 'E-1', email: 'e1@example.com' });
    expect(await employeesOf(organization.id)).toHaveLength(1);
  });

  it('does not trust a cache that misses an employee created elsewhere', async () => {
    const organization = await createOrganization();
    const thisIsolate = new SnapshotCache(100);
    await ingestTasks(env.DB, organization.id, [
      task({ external_id: 'T-other', agent: { email: 'new@example.com' } }),
    ]);

    const [applied] = await ingestTasks(
      env.DB,
      organization.id,
      [task({ agent: { email: 'NEW@example.com' } })],
      {
        cache: thisIsolate,
      },
    );

    expect(applied!.outcome).toBe('created');
    expect(await employeesOf(organization.id)).toHaveLength(1);
    expect(await tasksOf(organization.id)).toHaveLength(2);
  });
});
