import type { Employee } from '../employees/employee';
import type { Task } from './schemas';
import type { TaskRecord } from './task-record';

/** A stored task and its agent in the shape of the API's task object. */
export function presentTask(task: TaskRecord, agent: Employee): Task {
  return {
    id: task.id,
    external_id: task.externalId,
    agent: {
      id: agent.id,
      external_id: agent.externalId,
      email: agent.email,
      name: agent.name,
    },
    completed_at: task.completedAt,
    custom_attributes: JSON.parse(task.customAttributes),
    created_at: task.createdAt,
    updated_at: task.updatedAt,
  };
}
