// The least a Worker can do for POST /tasks: parse the body, validate it with the service's
// zod schema, upsert the task in one D1 statement, answer with it. No auth, no agent
// matching, no change detection. With `?read_first=1` it first reads in a batch of two
// indexed SELECTs, as the service does: the cost of a second D1 round trip, alone.

import { Hono } from 'hono';

import { newId } from '../../src/lib/ids';
import { createTaskBodySchema } from '../../src/tasks/schemas';

interface Env {
  DB: D1Database;
}

const UPSERT_TASK = `
  INSERT INTO tasks (id, external_id, agent, completed_at, custom_attributes, created_at,
                     updated_at)
  VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)
      ON CONFLICT (external_id) DO UPDATE
     SET agent = excluded.agent,
         completed_at = excluded.completed_at,
         custom_attributes = excluded.custom_attributes,
         updated_at = excluded.updated_at
  RETURNING id, created_at, updated_at`;

const READ_TASK = `SELECT id, created_at FROM tasks WHERE external_id = ?1`;
const READ_BY_ID = `SELECT id FROM tasks WHERE id = ?1`;

const app = new Hono<{ Bindings: Env }>()
  .get('/health', async (c) => {
    await c.env.DB.prepare('SELECT 1').first();
    return c.text('ok');
  })
  .post('/tasks', async (c) => {
    const parsed = createTaskBodySchema.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) return c.json({ errors: parsed.error.issues }, 422);

    const { task } = parsed.data;
    if (c.req.query('read_first')) {
      await c.env.DB.batch([
        c.env.DB.prepare(READ_TASK).bind(task.external_id),
        c.env.DB.prepare(READ_BY_ID).bind(task.external_id),
      ]);
    }

    const id = newId('task');
    const stored = await c.env.DB.prepare(UPSERT_TASK)
      .bind(
        id,
        task.external_id,
        JSON.stringify(task.agent),
        task.completed_at,
        JSON.stringify(task.custom_attributes ?? {}),
        new Date().toISOString(),
      )
      .first<{ id: string; created_at: string; updated_at: string }>();

    const body = { data: { ...task, ...stored } };
    return stored?.id === id ? c.json(body, 201, { Location: `/tasks/${id}` }) : c.json(body, 200);
  });

export default app;
