/** A valid task body; `overrides` replace fields of the task object. */
export function taskBody(overrides: Record<string, unknown> = {}) {
  return {
    task: {
      external_id: 'TASK-9182',
      agent: { external_id: 'EMP-447', email: 'alex@example.com', name: 'Alex Smith' },
      completed_at: '2026-05-12T14:32:00Z',
      custom_attributes: { task_type: 'fraud_review', risk_score: 78 },
      ...overrides,
    },
  };
}
