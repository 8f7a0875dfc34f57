import { describe, expect, it } from 'vitest';

import { postTask, requestAs } from '../support/http';
import { createOrganization } from '../support/organizations';
import { tasksOf } from '../support/database';
import { taskBody } from '../support/tasks';

describe('POST /tasks creates a task', () => {
  it('answers 201 with the task in a data envelope and its Location', async () => {
    const organization = await createOrganization();

    const response = await postTask(organization, taskBody());

    expect(response.status).toBe(201);
    const { data } = await response.json<{ data: Record<string, unknown> }>();
    expect(response.headers.get('Location')).toBe(`/tasks/${data.id}`);
    expect(data).toMatchObject({
      external_id: 'TASK-9182',
      agent: { external_id: 'EMP-447', email: 'alex@example.com', name: 'Alex Smith' },
      completed_at: '2026-05-12T14:32:00.000Z',
      custom_attributes: { task_type: 'fraud_review', risk_score: 78 },
    });
    expect(data.id).toMatch(/^task_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect((data.agent as { id: string }).id).toMatch(/^emp_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(data.created_at).toBe(data.updated_at);
  });

  it('can be read back at its Location', async () => {
    const organization = await createOrganization();
    const created = await postTask(organization, taskBody());

    const response = await requestAs(organization, created.headers.get('Location')!);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(await created.json());
  });

  it.each([
    ['Z', '2026-05-12T14:32:00Z', '2026-05-12T14:32:00.000Z'],
    ['a positive offset', '2026-05-12T16:32:00+02:00', '2026-05-12T14:32:00.000Z'],
    ['a negative offset across midnight', '2026-05-11T21:02:00-05:30', '2026-05-12T02:32:00.000Z'],
    ['a space instead of T', '2026-05-12 14:32:00+00:00', '2026-05-12T14:32:00.000Z'],
    ['milliseconds', '2026-05-12T14:32:00.123Z', '2026-05-12T14:32:00.123Z'],
    [
      'microseconds, cut to milliseconds',
      '2026-05-12T14:32:00.123456Z',
      '2026-05-12T14:32:00.123Z',
    ],
    ['no seconds', '2026-05-12T14:32Z', '2026-05-12T14:32:00.000Z'],
    ['a compact offset', '2026-05-12T16:32:00+0200', '2026-05-12T14:32:00.000Z'],
    ['29 February of a leap year', '2028-02-29T00:00:00Z', '2028-02-29T00:00:00.000Z'],
  ])('stores completed_at with %s in UTC', async (_case, sent, stored) => {
    const organization = await createOrganization();

    const response = await postTask(organization, taskBody({ completed_at: sent }));

    expect(response.status).toBe(201);
    const { data } = await response.json<{ data: { completed_at: string } }>();
    expect(data.completed_at).toBe(stored);
  });

  it('keeps the value types and key order of custom_attributes', async () => {
    const organization = await createOrganization();
    const attributes = {
      zip: '00123',
      score: 78.5,
      flagged: false,
      reviewer: null,
      tags: ['kyc', 'manual'],
      nested: { level: 2 },
    };

    const response = await postTask(organization, taskBody({ custom_attributes: attributes }));

    const { data } = await response.json<{ data: { custom_attributes: object } }>();
    expect(JSON.stringify(data.custom_attributes)).toBe(JSON.stringify(attributes));
  });

  it('keeps custom_attributes nested 32 levels deep, and a __proto__ key below the top', async () => {
    const organization = await createOrganization();
    // The attributes object is level 1; `deep` holds 30 arrays around an object, levels 2-32.
    const deep = `${'['.repeat(30)}{"__proto__":"kept"}${']'.repeat(30)}`;
    const body = JSON.stringify(taskBody({ custom_attributes: { deep: '?' } })).replace(
      '"?"',
      deep,
    );

    const response = await requestAs(organization, '/tasks', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body,
    });

    expect(response.status).toBe(201);
    expect(await response.text()).toContain(`"custom_attributes":{"deep":${deep}}`);
  });

  it('treats missing custom_attributes as an empty object', async () => {
    const organization = await createOrganization();
    const body = taskBody();
    delete (body.task as Record<string, unknown>).custom_attributes;

    const response = await postTask(organization, body);

    const { data } = await response.json<{ data: { custom_attributes: object } }>();
    expect(data.custom_attributes).toEqual({});
  });

  it.each([
    ['one-byte', 'x', 1],
    ['two-byte', 'é', 2],
    ['escaped', '\n', 2],
  ])(
    'accepts custom_attributes of exactly 32 KiB of JSON in %s characters, not a byte more',
    async (_kind, character, bytesEach) => {
      const organization = await createOrganization();
      // {"blob":"…"} is 11 bytes around the value; single x's make up the remainder.
      const valueBytes = 32 * 1024 - 11;
      const count = Math.floor(valueBytes / bytesEach);
      const fitting = character.repeat(count) + 'x'.repeat(valueBytes - count * bytesEach);

      const fits = await postTask(organization, taskBody({ custom_attributes: { blob: fitting } }));
      const over = await postTask(
        organization,
        taskBody({ external_id: 'T-over', custom_attributes: { blob: `${fitting}x` } }),
      );

      expect([fits.status, over.status]).toEqual([201, 422]);
    },
  );

  it('trims the external ids it stores', async () => {
    const organization = await createOrganization();

    const response = await postTask(
      organization,
      taskBody({ external_id: '  TASK-1  ', agent: { external_id: ' EMP-1 ' } }),
    );

    const { data } = await response.json<{
      data: { external_id: string; agent: { external_id: string } };
    }>();
    expect(data.external_id).toBe('TASK-1');
    expect(data.agent.external_id).toBe('EMP-1');
  });
});

describe('POST /tasks with an external_id already stored', () => {
  it('updates the same task in place and answers 200', async () => {
    const organization = await createOrganization();
    const first = await (await postTask(organization, taskBody())).json<{ data: Task }>();
    await new Promise((resolve) => setTimeout(resolve, 5));

    const response = await postTask(
      organization,
      taskBody({ completed_at: '2026-06-01T08:00:00Z', custom_attributes: { risk_score: 12 } }),
    );

    expect(response.status).toBe(200);
    expect(response.headers.get('Location')).toBeNull();
    const { data } = await response.json<{ data: Task }>();
    expect(data.id).toBe(first.data.id);
    expect(data.created_at).toBe(first.data.created_at);
    expect(data.completed_at).toBe('2026-06-01T08:00:00.000Z');
    expect(data.custom_attributes).toEqual({ risk_score: 12 });
    expect(data.updated_at > first.data.updated_at).toBe(true);
    expect(await tasksOf(organization.id)).toHaveLength(1);
  });

  it('writes nothing and keeps updated_at when nothing changed', async () => {
    const organization = await createOrganization();
    const first = await (await postTask(organization, taskBody())).json<{ data: Task }>();
    const storedBefore = await tasksOf(organization.id);
    await new Promise((resolve) => setTimeout(resolve, 5));

    const response = await postTask(organization, taskBody());

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(first);
    expect(await tasksOf(organization.id)).toEqual(storedBefore);
  });

  it('counts the same instant in another offset as unchanged', async () => {
    const organization = await createOrganization();
    const first = await (await postTask(organization, taskBody())).json<{ data: Task }>();

    const response = await postTask(
      organization,
      taskBody({ completed_at: '2026-05-12T16:32:00+02:00' }),
    );

    expect(response.status).toBe(200);
    const { data } = await response.json<{ data: Task }>();
    expect(data.updated_at).toBe(first.data.updated_at);
  });

  it('moves the task to another agent when the agent changes', async () => {
    const organization = await createOrganization();
    const first = await (await postTask(organization, taskBody())).json<{ data: Task }>();

    const response = await postTask(organization, taskBody({ agent: { external_id: 'EMP-9' } }));

    const { data } = await response.json<{ data: Task }>();
    expect(response.status).toBe(200);
    expect(data.agent.id).not.toBe(first.data.agent.id);
    expect(data.agent.external_id).toBe('EMP-9');
  });
});

interface Task {
  id: string;
  agent: { id: string; external_id: string | null };
  completed_at: string;
  custom_attributes: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}
