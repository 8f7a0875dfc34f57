import { describe, expect, it } from 'vitest';

import { employeesOf, tasksOf } from '../support/database';
import { generateRows, toCsv, toTaskBody } from '../support/generated-rows';
import { postTask } from '../support/http';
import { createOrganization } from '../support/organizations';
import { uploadAndWait } from '../support/uploads';

/** Stored state without the ids, which differ between organizations. */
async function storedState(organizationId: string) {
  const employees = await employeesOf(organizationId);
  const agentOf = new Map(employees.map((employee) => [employee.id, employee]));
  const tasks = await tasksOf(organizationId);

  return {
    employees: employees
      .map(({ external_id, email, name }) => ({ external_id, email, name }))
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    tasks: tasks
      .map((task) => {
        const agent = agentOf.get(task.employee_id)!;
        return {
          external_id: task.external_id,
          agent: { external_id: agent.external_id, email: agent.email, name: agent.name },
          completed_at: task.completed_at,
          custom_attributes: task.custom_attributes,
        };
      })
      .sort((a, b) => a.external_id.localeCompare(b.external_id)),
  };
}

/** Sends each row as its own POST, in order, and counts the outcomes as an upload would. */
async function postOneByOne(rows: ReturnType<typeof generateRows>) {
  const organization = await createOrganization();
  const counts = { created: 0, updated: 0, unchanged: 0, failed: 0 };
  const lastUpdate = new Map<string, string>();

  for (const row of rows) {
    const response = await postTask(organization, toTaskBody(row));
    if (response.status >= 400) {
      expect(response.status).toBe(422);
      counts.failed++;
      continue;
    }
    const { data } = await response.json<{ data: { id: string; updated_at: string } }>();
    if (response.status === 201) counts.created++;
    else if (lastUpdate.get(data.id) === data.updated_at) counts.unchanged++;
    else counts.updated++;
    lastUpdate.set(data.id, data.updated_at);
  }
  return { organization, counts };
}

describe('an upload is equivalent to one POST per row, in file order', () => {
  it.each([1, 2, 3])('stores the same tasks and agents as the POSTs (seed %i)', async (seed) => {
    const rows = generateRows(seed, 240);
    const uploader = await createOrganization();

    const upload = await uploadAndWait(uploader, toCsv(rows));
    const posted = await postOneByOne(rows);

    expect(upload.status).toBe('completed');
    expect(await storedState(uploader.id)).toEqual(await storedState(posted.organization.id));
    expect({
      created: upload.created_rows,
      updated: upload.updated_rows,
      unchanged: upload.unchanged_rows,
      failed: upload.failed_rows,
    }).toEqual(posted.counts);
    expect(upload.total_rows).toBe(rows.length);
    expect(upload.failed_rows).toBeGreaterThan(0);
  });
});
