import type { Employee } from '../employees/employee';
import { toEmployee, type EmployeeRow } from '../employees/repository';
import { revisionGuard } from '../ingest/revision-guard';
import { toJsonBatches } from '../lib/json-batches';
import type { TaskRecord } from './task-record';

export interface TaskRow {
  id: string;
  external_id: string;
  employee_id: string;
  completed_at: string;
  custom_attributes: string;
  revision: number;
  created_at: string;
  updated_at: string;
}

/** The organization's tasks that have one of these external ids. */
export function selectTasksByExternalIds(
  db: D1Database,
  organizationId: string,
  externalIds: readonly string[],
): D1PreparedStatement {
  return db
    .prepare(
      `SELECT id, external_id, employee_id, completed_at, custom_attributes, revision,
              created_at, updated_at
         FROM tasks
        WHERE organization_id = ?1
          AND external_id IN (SELECT value FROM json_each(?2))`,
    )
    .bind(organizationId, JSON.stringify(externalIds));
}

export function toTaskRecord(row: TaskRow): TaskRecord {
  return {
    id: row.id,
    externalId: row.external_id,
    employeeId: row.employee_id,
    completedAt: row.completed_at,
    customAttributes: row.custom_attributes,
    revision: row.revision,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** One task of the organization with its agent, or null: another organization's is null too. */
export async function findTaskWithAgent(
  db: D1Database,
  organizationId: string,
  taskId: string,
): Promise<{ task: TaskRecord; agent: Employee } | null> {
  const row = await db
    .prepare(
      `SELECT tasks.id, tasks.external_id, tasks.employee_id, tasks.completed_at,
              tasks.custom_attributes, tasks.revision, tasks.created_at, tasks.updated_at,
              employees.external_id AS agent_external_id, employees.email AS agent_email,
              employees.name AS agent_name, employees.revision AS agent_revision,
              employees.created_at AS agent_created_at, employees.updated_at AS agent_updated_at
         FROM tasks
         JOIN employees ON employees.id = tasks.employee_id
        WHERE tasks.organization_id = ?1
          AND tasks.id = ?2`,
    )
    .bind(organizationId, taskId)
    .first<TaskRow & AgentColumns>();
  if (!row) return null;

  return { task: toTaskRecord(row), agent: toEmployee(agentOf(row)) };
}

interface AgentColumns {
  agent_external_id: string | null;
  agent_email: string | null;
  agent_name: string | null;
  agent_revision: number;
  agent_created_at: string;
  agent_updated_at: string;
}

function agentOf(row: TaskRow & AgentColumns): EmployeeRow {
  return {
    id: row.employee_id,
    external_id: row.agent_external_id,
    email: row.agent_email,
    name: row.agent_name,
    revision: row.agent_revision,
    created_at: row.agent_created_at,
    updated_at: row.agent_updated_at,
  };
}

/** Plain INSERTs: a task created meanwhile by someone else fails the whole batch. */
export function insertTasks(
  db: D1Database,
  organizationId: string,
  tasks: readonly TaskRecord[],
): D1PreparedStatement[] {
  const rows = tasks.map((task) => [
    task.id,
    task.externalId,
    task.employeeId,
    task.completedAt,
    task.customAttributes,
    task.createdAt,
    task.updatedAt,
  ]);
  return toJsonBatches(rows).map((json) =>
    db
      .prepare(
        `INSERT INTO tasks
                (id, organization_id, external_id, employee_id, completed_at, custom_attributes,
                 revision, created_at, updated_at)
         SELECT row.value ->> 0, ?1, row.value ->> 1, row.value ->> 2, row.value ->> 3,
                row.value ->> 4, 0, row.value ->> 5, row.value ->> 6
           FROM jsonb_each(?2) AS row`,
      )
      .bind(organizationId, json),
  );
}

/**
 * Aborts the batch (see `revisionGuard`) if any of these tasks was
 * written since it was read, then applies the new values.
 */
export function updateTasks(
  db: D1Database,
  tasks: readonly { task: TaskRecord; readRevision: number }[],
): D1PreparedStatement[] {
  const rows = tasks.map(({ task, readRevision }) => [
    task.id,
    readRevision,
    task.employeeId,
    task.completedAt,
    task.customAttributes,
    task.updatedAt,
  ]);

  return toJsonBatches(rows).flatMap((json) => [
    revisionGuard(db, 'tasks', json),
    db
      .prepare(
        `UPDATE tasks
            SET employee_id = row.value ->> 2,
                completed_at = row.value ->> 3,
                custom_attributes = row.value ->> 4,
                revision = tasks.revision + 1,
                updated_at = row.value ->> 5
           FROM jsonb_each(?1) AS row
          WHERE tasks.id = row.value ->> 0`,
      )
      .bind(json),
  ]);
}
