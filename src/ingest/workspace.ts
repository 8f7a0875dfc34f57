import { emailKey, type Employee } from '../employees/employee';
import type { TaskRecord } from '../tasks/task-record';

/** What was read from D1 before the rules run. */
export interface Snapshot {
  employees: Employee[];
  tasks: TaskRecord[];
}

/**
 * The employees and tasks that a group of incoming tasks can touch, held in memory while
 * the rules run over them in order, with a record of what must be written afterwards.
 */
export class Workspace {
  private readonly employeesByExternalId = new Map<string, Employee>();
  private readonly employeesByEmailKey = new Map<string, Employee>();
  private readonly tasksByExternalId = new Map<string, TaskRecord>();

  /** Created here, not yet stored. */
  readonly newEmployees = new Set<Employee>();
  readonly newTasks = new Set<TaskRecord>();
  /** Stored ones changed here, with the revision they had when read. */
  readonly changedEmployees = new Map<Employee, number>();
  readonly changedTasks = new Map<TaskRecord, number>();

  constructor(snapshot: Snapshot) {
    for (const employee of snapshot.employees) this.indexEmployee(employee);
    for (const task of snapshot.tasks) this.tasksByExternalId.set(task.externalId, task);
  }

  employeeWithExternalId(externalId: string): Employee | undefined {
    return this.employeesByExternalId.get(externalId);
  }

  employeeWithEmail(email: string): Employee | undefined {
    return this.employeesByEmailKey.get(emailKey(email));
  }

  taskWithExternalId(externalId: string): TaskRecord | undefined {
    return this.tasksByExternalId.get(externalId);
  }

  addEmployee(employee: Employee): void {
    this.newEmployees.add(employee);
    this.indexEmployee(employee);
  }

  /** Call after changing an employee's fields, so that it is indexed and written. */
  employeeChanged(employee: Employee): void {
    this.indexEmployee(employee);
    if (!this.newEmployees.has(employee) && !this.changedEmployees.has(employee)) {
      this.changedEmployees.set(employee, employee.revision);
    }
  }

  addTask(task: TaskRecord): void {
    this.newTasks.add(task);
    this.tasksByExternalId.set(task.externalId, task);
  }

  taskChanged(task: TaskRecord): void {
    if (!this.newTasks.has(task) && !this.changedTasks.has(task)) {
      this.changedTasks.set(task, task.revision);
    }
  }

  /** Every employee here as it is stored once the writes commit: changed ones a revision up. */
  storedEmployees(): Employee[] {
    const employees = new Set([
      ...this.employeesByExternalId.values(),
      ...this.employeesByEmailKey.values(),
    ]);
    return [...employees].map((employee) => stored(employee, this.changedEmployees));
  }

  /** Every task here as it is stored once the writes commit: changed ones a revision up. */
  storedTasks(): TaskRecord[] {
    return [...this.tasksByExternalId.values()].map((task) => stored(task, this.changedTasks));
  }

  private indexEmployee(employee: Employee): void {
    if (employee.externalId !== null) this.employeesByExternalId.set(employee.externalId, employee);
    if (employee.email !== null) this.employeesByEmailKey.set(emailKey(employee.email), employee);
  }
}

function stored<T extends { revision: number }>(record: T, changed: Map<T, number>): T {
  return changed.has(record) ? { ...record, revision: record.revision + 1 } : { ...record };
}
