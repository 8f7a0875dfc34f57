import { Hono } from 'hono';

import type { AppBindings } from '../http/context';
import { ApiError } from '../http/errors';
import { jsonBody } from '../http/json-body';
import { validate } from '../http/validation';
import { ingestTasks } from '../ingest/ingest';
import { SnapshotCache } from '../ingest/snapshot-cache';
import { presentTask } from './presenter';
import { findTaskWithAgent } from './repository';
import { createTaskBodySchema, taskIdParamsSchema } from './schemas';

/** Bodies of POST /tasks: a task with the largest custom_attributes fits with room to spare. */
const MAX_TASK_BODY_BYTES = 64 * 1024;

/**
 * Records this isolate wrote or read lately. The API key is cached too (see requireApiKey),
 * so a POST of a known agent or task costs one D1 round trip; otherwise two (see ingestTasks).
 */
const recentRecords = new SnapshotCache(10_000);

export const taskRoutes = new Hono<AppBindings>()
  .post('/', jsonBody(MAX_TASK_BODY_BYTES), validate('json', createTaskBodySchema), async (c) => {
    const { task: input } = c.req.valid('json');

    const [applied] = await ingestTasks(c.env.DB, c.get('organizationId'), [input], {
      cache: recentRecords,
    });
    const { outcome, task, agent } = applied!;

    const body = { data: presentTask(task, agent) };
    if (outcome !== 'created') return c.json(body, 200);
    return c.json(body, 201, { Location: `/tasks/${task.id}` });
  })
  .get('/:id', validate('param', taskIdParamsSchema), async (c) => {
    const { id } = c.req.valid('param');

    const found = await findTaskWithAgent(c.env.DB, c.get('organizationId'), id);
    if (!found) throw new ApiError('not_found', `There is no task ${id}.`);

    return c.json({ data: presentTask(found.task, found.agent) });
  });
