import { emailKey, type Employee } from '../employees/employee';
import type { TaskRecord } from '../tasks/task-record';
import type { Snapshot, Workspace } from './workspace';

/** What a group of incoming tasks can touch: the identifiers a snapshot is read by. */
export interface SnapshotKeys {
  agentExternalIds: string[];
  agentEmails: string[];
  taskExternalIds: string[];
}

/**
 * Employees and tasks as this isolate last wrote or read them, so that a POST can decide
 * without reading first. Nothing here is trusted: the write batch starts with a guard that
 * aborts unless the database still holds exactly these records (see `snapshotGuard`), and
 * the request then decides again from a fresh read. Least recently used entries go first.
 */
export class SnapshotCache {
  private readonly entries = new Map<string, Employee | TaskRecord>();

  /**
   * @param maxEntries records kept (an employee counts once per identifier)
   * @param keepsTasks whether tasks are kept too; without them every task looked up is taken
   *   to be new, which its INSERT then proves (see `ingestTasks`)
   */
  constructor(
    private readonly maxEntries: number,
    private readonly keepsTasks = true,
  ) {}

  /** The cached records for these identifiers, as copies that the rules may change. */
  lookup(organizationId: string, keys: SnapshotKeys): Snapshot {
    const employees = new Map<string, Employee>();
    for (const key of employeeKeys(organizationId, keys)) {
      const employee = this.take(key) as Employee | undefined;
      if (employee) employees.set(employee.id, { ...employee });
    }
    if (!this.keepsTasks) return { employees: [...employees.values()], tasks: [] };
    const tasks = keys.taskExternalIds.flatMap((externalId) => {
      const task = this.take(taskKey(organizationId, externalId)) as TaskRecord | undefined;
      return task ? [{ ...task }] : [];
    });
    return { employees: [...employees.values()], tasks };
  }

  /** The workspace's records as they are stored now, after a read or a committed write. */
  remember(organizationId: string, workspace: Workspace): void {
    for (const employee of workspace.storedEmployees()) {
      const stored = { ...employee };
      if (employee.externalId !== null)
        this.put(`${organizationId} e ${employee.externalId}`, stored);
      if (employee.email !== null)
        this.put(`${organizationId} m ${emailKey(employee.email)}`, stored);
    }
    if (!this.keepsTasks) return;
    for (const task of workspace.storedTasks())
      this.put(taskKey(organizationId, task.externalId), { ...task });
  }

  forget(organizationId: string, keys: SnapshotKeys): void {
    for (const key of employeeKeys(organizationId, keys)) this.entries.delete(key);
    for (const externalId of keys.taskExternalIds)
      this.entries.delete(taskKey(organizationId, externalId));
  }

  private take(key: string): Employee | TaskRecord | undefined {
    const value = this.entries.get(key);
    if (value) this.put(key, value);
    return value;
  }

  private put(key: string, value: Employee | TaskRecord): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }
}

function employeeKeys(organizationId: string, keys: SnapshotKeys): string[] {
  return [
    ...keys.agentExternalIds.map((externalId) => `${organizationId} e ${externalId}`),
    ...keys.agentEmails.map((email) => `${organizationId} m ${emailKey(email)}`),
  ];
}

function taskKey(organizationId: string, externalId: string): string {
  return `${organizationId} t ${externalId}`;
}
