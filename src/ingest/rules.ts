import type { Employee } from '../employees/employee';
import { newId } from '../lib/ids';
import type { TaskInput } from '../tasks/schemas';
import type { TaskRecord } from '../tasks/task-record';
import type { Workspace } from './workspace';

export type Outcome = 'created' | 'updated' | 'unchanged';

export interface AppliedTask {
  outcome: Outcome;
  task: TaskRecord;
  agent: Employee;
}

/**
 * The contract's rules for one incoming task, applied to the workspace: the agent is
 * matched (or created) and enriched, then the task is created, replaced or left alone.
 * Running it over many tasks in order gives what the same POSTs one by one would give.
 */
export function applyTask(workspace: Workspace, input: TaskInput, now: string): AppliedTask {
  const agent = resolveAgent(workspace, input.agent, now);
  const completedAt = input.completed_at;
  const customAttributes = JSON.stringify(input.custom_attributes ?? {});

  const existing = workspace.taskWithExternalId(input.external_id);
  if (!existing) {
    const task: TaskRecord = {
      id: newId('task'),
      externalId: input.external_id,
      employeeId: agent.id,
      completedAt,
      customAttributes,
      revision: 0,
      createdAt: now,
      updatedAt: now,
    };
    workspace.addTask(task);
    return { outcome: 'created', task, agent };
  }

  if (
    existing.employeeId === agent.id &&
    existing.completedAt === completedAt &&
    existing.customAttributes === customAttributes
  ) {
    return { outcome: 'unchanged', task: existing, agent };
  }

  workspace.taskChanged(existing);
  existing.employeeId = agent.id;
  existing.completedAt = completedAt;
  existing.customAttributes = customAttributes;
  existing.updatedAt = now;
  return { outcome: 'updated', task: existing, agent };
}

/**
 * Agent matching: by external id, else by email (case-insensitive), else a new employee.
 * A match gains the identifiers it lacked but never loses one; a name sent replaces the
 * stored one.
 */
function resolveAgent(workspace: Workspace, agent: TaskInput['agent'], now: string): Employee {
  const matched =
    (agent.external_id !== undefined && workspace.employeeWithExternalId(agent.external_id)) ||
    (agent.email !== undefined && workspace.employeeWithEmail(agent.email)) ||
    undefined;

  if (!matched) {
    const employee: Employee = {
      id: newId('emp'),
      externalId: agent.external_id ?? null,
      email: agent.email ?? null,
      name: agent.name ?? null,
      revision: 0,
      createdAt: now,
      updatedAt: now,
    };
    workspace.addEmployee(employee);
    return employee;
  }

  // Reached only when no employee has this external id: rule 1 would have matched it.
  const externalId = matched.externalId ?? agent.external_id ?? null;
  // The email may already belong to another employee; it then stays theirs alone.
  const email =
    matched.email ??
    (agent.email !== undefined && !workspace.employeeWithEmail(agent.email) ? agent.email : null);
  const name = agent.name ?? matched.name;
  if (externalId !== matched.externalId || email !== matched.email || name !== matched.name) {
    Object.assign(matched, { externalId, email, name, updatedAt: now });
    workspace.employeeChanged(matched);
  }
  return matched;
}
