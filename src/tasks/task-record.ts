/** A task as stored: `customAttributes` is the JSON text exactly as it was serialized. */
export interface TaskRecord {
  id: string;
  externalId: string;
  employeeId: string;
  completedAt: string;
  customAttributes: string;
  revision: number;
  createdAt: string;
  updatedAt: string;
}
