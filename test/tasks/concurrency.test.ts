import { describe, expect, it } from 'vitest';

import { employeesOf, tasksOf } from '../support/database';
import { postTask } from '../support/http';
import { createOrganization } from '../support/organizations';
import { taskBody } from '../support/tasks';

describe('concurrent POST /tasks', () => {
  it('ends with one employee when eight requests name the same new agent', async () => {
    const organization = await createOrganization();
    const agent = { external_id: 'EMP-CONCURRENT', email: 'same@example.com', name: 'Same Agent' };

    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        postTask(organization, taskBody({ external_id: `T-${index}`, agent })),
      ),
    );

    expect(responses.map((response) => response.status)).toEqual(Array(8).fill(201));
    const agentIds = await Promise.all(
      responses.map(
        async (response) =>
          (await response.json<{ data: { agent: { id: string } } }>()).data.agent.id,
      ),
    );
    expect(new Set(agentIds).size).toBe(1);
    expect(await employeesOf(organization.id)).toHaveLength(1);
    expect(await tasksOf(organization.id)).toHaveLength(8);
  });

  it('ends with one employee when requests name a new agent by different identifiers', async () => {
    const organization = await createOrganization();
    const agents = [
      { external_id: 'EMP-X', email: 'x@example.com' },
      { email: 'X@example.com' },
      { external_id: 'EMP-X' },
      { external_id: 'EMP-X', email: 'x@example.com', name: 'X' },
    ];

    const responses = await Promise.all(
      agents.map((agent, index) =>
        postTask(organization, taskBody({ external_id: `T-${index}`, agent })),
      ),
    );

    expect(responses.every((response) => response.status === 201)).toBe(true);
    const employees = await employeesOf(organization.id);
    expect(employees.length).toBeLessThanOrEqual(2);
    expect(employees.filter((employee) => employee.external_id === 'EMP-X')).toHaveLength(1);
    expect(
      employees.filter((employee) => employee.email?.toLowerCase() === 'x@example.com'),
    ).toHaveLength(1);
  });

  it('ends with one task and exactly one 201 when six requests post the same new task', async () => {
    const organization = await createOrganization();

    const responses = await Promise.all(
      Array.from({ length: 6 }, () => postTask(organization, taskBody())),
    );

    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 201]);
    const ids = await Promise.all(
      responses.map(async (response) => (await response.json<{ data: { id: string } }>()).data.id),
    );
    expect(new Set(ids).size).toBe(1);
    expect(await tasksOf(organization.id)).toHaveLength(1);
  });
});

describe('concurrent updates of one task', () => {
  it('applies each update whole, answering 200 to all, and keeps one of them', async () => {
    const organization = await createOrganization();
    await postTask(organization, taskBody());
    const instants = Array.from({ length: 6 }, (_, day) => `2026-07-0${day + 1}T09:00:00.000Z`);

    const responses = await Promise.all(
      instants.map((completed_at, index) =>
        postTask(
          organization,
          taskBody({
            completed_at,
            custom_attributes: { writer: index },
            agent: { external_id: `E-${index}` },
          }),
        ),
      ),
    );

    expect(responses.map((response) => response.status)).toEqual(Array(6).fill(200));
    const [stored] = await tasksOf(organization.id);
    const writer = instants.indexOf(stored!.completed_at);
    expect(writer).toBeGreaterThanOrEqual(0);
    expect(JSON.parse(stored!.custom_attributes)).toEqual({ writer });
    const employees = await employeesOf(organization.id);
    expect(employees.find((employee) => employee.id === stored!.employee_id)?.external_id).toBe(
      `E-${writer}`,
    );
  });
});
