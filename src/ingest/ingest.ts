import {
  insertEmployees,
  selectEmployeesByIdentifiers,
  toEmployee,
  updateEmployees,
  type EmployeeRow,
} from '../employees/repository';
import { ApiError } from '../http/errors';
import { backoffMs, isTransientD1Error, isWriteConflict } from '../lib/d1-errors';
import {
  insertTasks,
  selectTasksByExternalIds,
  toTaskRecord,
  updateTasks,
  type TaskRow,
} from '../tasks/repository';
import type { TaskInput } from '../tasks/schemas';
import { emailKey } from '../employees/employee';
import { snapshotGuard } from './revision-guard';
import { applyTask, type AppliedTask } from './rules';
import type { SnapshotCache, SnapshotKeys } from './snapshot-cache';
import { Workspace, type Snapshot } from './workspace';

const MAX_ATTEMPTS = 8;

/** Statements that must commit in the same transaction as the tasks (an upload's progress). */
export type CompanionStatements = (applied: AppliedTask[]) => D1PreparedStatement[];

export interface IngestOptions {
  companions?: CompanionStatements;
  /** Records this isolate saw recently, kept up to date with what is read and written here. */
  cache?: SnapshotCache;
  /**
   * Whether the first attempt decides from the cache instead of reading (the default). Where
   * stored records are likely missing from the cache, a read costs less than a failed write.
   */
  trustCache?: boolean;
}

/**
 * Ingests tasks in order, exactly as one POST each would. The rules need the current state
 * of every employee and task the tasks can touch, so an attempt costs two D1 round trips:
 * a batch that reads them, then a batch that writes what the rules decided, starting with a
 * guard that proves every record read still current (see `snapshotGuard`). With a cache of
 * recent records the read is skipped and a task missing from the cache is taken to be new:
 * the guard then proves the cached records current, and the plain INSERT of each task taken
 * to be new proves it was. A POST of a known agent, or a chunk of new tasks by agents
 * already seen, costs one round trip. The database decides races: a write batch that collides
 * with a concurrent writer (or finds the cache wrong) fails whole and is tried again from a
 * fresh read.
 */
export async function ingestTasks(
  db: D1Database,
  organizationId: string,
  inputs: readonly TaskInput[],
  { companions = () => [], cache, trustCache = true }: IngestOptions = {},
): Promise<AppliedTask[]> {
  const keys = snapshotKeys(inputs);

  for (let attempt = 1; ; attempt++) {
    const cached = attempt === 1 && cache && trustCache ? cache.lookup(organizationId, keys) : null;
    // A chunk of only refused rows (or the empty last one of a file) touches no record.
    const snapshot =
      cached ??
      (inputs.length === 0
        ? { employees: [], tasks: [] }
        : await readSnapshot(db, organizationId, keys));
    const workspace = new Workspace(snapshot);
    const now = new Date().toISOString();
    const applied = inputs.map((input) => applyTask(workspace, input, now));

    const writes = writeStatements(db, organizationId, workspace);
    // The decisions rest on the whole snapshot, not only on the records they change. A cached
    // one is proved current before anything is answered from it; a read one before anything
    // is written from it, or a writer that changed a record this batch only read (a task left
    // unchanged, an agent matched) could interleave into a state no order of the two gives.
    const guarded = cached !== null || writes.length > 0;
    const statements = [
      ...(guarded ? [snapshotGuard(db, organizationId, guardKeys(keys, snapshot), snapshot)] : []),
      ...writes,
      ...companions(applied),
    ];

    try {
      if (statements.length > 0) await db.batch(statements);
      cache?.remember(organizationId, workspace);
      return applied;
    } catch (error) {
      cache?.forget(organizationId, keys);
      const retryable = isWriteConflict(error) || isTransientD1Error(error);
      if (!retryable) throw error;
      if (attempt === MAX_ATTEMPTS) throw exhausted(error);
      // A stale cache is no contention: read again at once.
      if (!cached) await new Promise((resolve) => setTimeout(resolve, backoffMs(attempt)));
    }
  }
}

/**
 * The identifiers the tasks can touch. Their own external ids (one per row of an upload's
 * chunk) are gathered only when a read or the cache asks for them: a chunk of new tasks
 * decided from a cache without tasks never does.
 */
function snapshotKeys(inputs: readonly TaskInput[]): SnapshotKeys {
  const agentExternalIds = new Set<string>();
  const agentEmails = new Set<string>();
  for (const { agent } of inputs) {
    if (agent.external_id !== undefined) agentExternalIds.add(agent.external_id);
    if (agent.email !== undefined) agentEmails.add(agent.email);
  }

  let taskExternalIds: string[] | undefined;
  return {
    agentExternalIds: [...agentExternalIds],
    agentEmails: [...agentEmails],
    get taskExternalIds() {
      taskExternalIds ??= [...new Set(inputs.map((input) => input.external_id))];
      return taskExternalIds;
    },
  };
}

/**
 * What the guard must find as in the snapshot: every employee the identifiers match (a match
 * by email may stand in for one by external id, so no write would reveal a missed employee),
 * but only the snapshot's tasks. A task missing from it is created by the rules, and its
 * INSERT fails on the UNIQUE external id if it exists after all.
 */
function guardKeys(keys: SnapshotKeys, snapshot: Snapshot) {
  return {
    agentExternalIds: keys.agentExternalIds,
    agentEmailKeys: keys.agentEmails.map(emailKey),
    taskExternalIds: snapshot.tasks.map((task) => task.externalId),
  };
}

/** The read round trip: one read-only batch, so employees and tasks are read at one instant. */
async function readSnapshot(db: D1Database, organizationId: string, keys: SnapshotKeys) {
  const [employees, tasks] = await db.batch<EmployeeRow | TaskRow>([
    selectEmployeesByIdentifiers(db, organizationId, keys.agentExternalIds, keys.agentEmails),
    selectTasksByExternalIds(db, organizationId, keys.taskExternalIds),
  ]);
  return {
    employees: (employees!.results as EmployeeRow[]).map(toEmployee),
    tasks: (tasks!.results as TaskRow[]).map(toTaskRecord),
  };
}

/** The write round trip: employees before the tasks that refer to them, in one transaction. */
function writeStatements(db: D1Database, organizationId: string, workspace: Workspace) {
  const changedEmployees = [...workspace.changedEmployees].map(([employee, readRevision]) => ({
    employee,
    readRevision,
  }));
  const changedTasks = [...workspace.changedTasks].map(([task, readRevision]) => ({
    task,
    readRevision,
  }));

  return [
    ...insertEmployees(db, organizationId, [...workspace.newEmployees]),
    ...updateEmployees(db, changedEmployees),
    ...insertTasks(db, organizationId, [...workspace.newTasks]),
    ...updateTasks(db, changedTasks),
  ];
}

function exhausted(cause: unknown): ApiError {
  return new ApiError(
    'write_conflict',
    'Other writes to the same tasks or agents kept colliding with this one; retry shortly.',
    undefined,
    { cause, headers: { 'Retry-After': '1' } },
  );
}
