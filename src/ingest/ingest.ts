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
import { applyTask, type AppliedTask } from './rules';
import { Workspace } from './workspace';

const MAX_ATTEMPTS = 8;

/** Statements that must commit in the same transaction as the tasks (an upload's progress). */
export type CompanionStatements = (applied: AppliedTask[]) => D1PreparedStatement[];

/**
 * Ingests tasks in order, exactly as one POST each would, in two D1 round trips: one batch
 * reads every employee and task the tasks can touch, one batch writes what the rules
 * decided. The database decides races: a write batch that collides with a concurrent writer
 * fails whole and is tried again from a fresh read.
 */
export async function ingestTasks(
  db: D1Database,
  organizationId: string,
  inputs: readonly TaskInput[],
  companions: CompanionStatements = () => [],
): Promise<AppliedTask[]> {
  for (let attempt = 1; ; attempt++) {
    const workspace = new Workspace(await readSnapshot(db, organizationId, inputs));
    const now = new Date().toISOString();
    const applied = inputs.map((input) => applyTask(workspace, input, now));

    const statements = [...writeStatements(db, organizationId, workspace), ...companions(applied)];
    if (statements.length === 0) return applied;

    try {
      await db.batch(statements);
      return applied;
    } catch (error) {
      const retryable = isWriteConflict(error) || isTransientD1Error(error);
      if (!retryable) throw error;
      if (attempt === MAX_ATTEMPTS) throw exhausted(error);
      await new Promise((resolve) => setTimeout(resolve, backoffMs(attempt)));
    }
  }
}

/** Round trip 1: one read-only batch, so employees and tasks are read at one instant. */
async function readSnapshot(db: D1Database, organizationId: string, inputs: readonly TaskInput[]) {
  const externalIds = unique(inputs.flatMap((input) => input.agent.external_id ?? []));
  const emails = unique(inputs.flatMap((input) => input.agent.email ?? []));
  const taskIds = unique(inputs.map((input) => input.external_id));

  const [employees, tasks] = await db.batch<EmployeeRow | TaskRow>([
    selectEmployeesByIdentifiers(db, organizationId, externalIds, emails),
    selectTasksByExternalIds(db, organizationId, taskIds),
  ]);
  return {
    employees: (employees!.results as EmployeeRow[]).map(toEmployee),
    tasks: (tasks!.results as TaskRow[]).map(toTaskRecord),
  };
}

/** Round trip 2: employees before the tasks that refer to them, all in one transaction. */
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

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
