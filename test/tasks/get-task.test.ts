import { describe, expect, it } from 'vitest';

import { postTask, requestAs } from '../support/http';
import { createOrganization } from '../support/organizations';
import { taskBody } from '../support/tasks';

describe('GET /tasks/{id}', () => {
  it('answers 404 with a problem for an id that does not exist', async () => {
    const organization = await createOrganization();

    const response = await requestAs(organization, '/tasks/task_01JX6Q4ZK8M2B9T1V3W5Y7A9C0');

    expect(response.status).toBe(404);
    expect(response.headers.get('Content-Type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({ status: 404, code: 'not_found' });
  });

  it("answers 404 for another organization's task, exactly as for a missing one", async () => {
    const owner = await createOrganization();
    const stranger = await createOrganization();
    const created = await postTask(owner, taskBody());
    const location = created.headers.get('Location')!;

    const response = await requestAs(stranger, location);
    const missing = await requestAs(stranger, '/tasks/task_01JX6Q4ZK8M2B9T1V3W5Y7A9C0');

    expect(response.status).toBe(404);
    const {
      request_id: _a,
      detail: _b,
      ...problem
    } = await response.json<Record<string, unknown>>();
    const {
      request_id: _c,
      detail: _d,
      ...missingProblem
    } = await missing.json<Record<string, unknown>>();
    expect(problem).toEqual(missingProblem);
  });
});

describe('organization isolation', () => {
  it('gives each organization its own task and agent for the same external ids', async () => {
    const first = await createOrganization();
    const second = await createOrganization();

    const a = await (
      await postTask(first, taskBody())
    ).json<{ data: { id: string; agent: { id: string } } }>();
    const response = await postTask(second, taskBody());

    expect(response.status).toBe(201);
    const b = await response.json<{ data: { id: string; agent: { id: string } } }>();
    expect(b.data.id).not.toBe(a.data.id);
    expect(b.data.agent.id).not.toBe(a.data.agent.id);
  });
});
