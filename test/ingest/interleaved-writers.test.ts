import { describe, expect, it } from 'vitest';

import { processUploadStep } from '../../src/pipeline/process-step';
import { employeesOf, tasksOf } from '../support/database';
import { postTask } from '../support/http';
import { interceptBatches } from '../support/intercepted-d1';
import { createOrganization } from '../support/organizations';
import { acceptUpload, envWith } from '../support/pipeline';
import { getUpload } from '../support/uploads';

const MAY = '2026-05-12T14:32:00.000Z';
const JANUARY = '2026-01-01T00:00:00.000Z';

describe('a writer that commits between a chunk’s read and its write', () => {
  it('leaves the state of one order of the two, also when it changed a record the chunk only read', async () => {
    const organization = await createOrganization();
    const agent = { email: 'sam@example.com', name: 'Old' };
    await postTask(organization, { task: { external_id: 'T-1', agent, completed_at: MAY } });
    // Row 2 leaves T-1 as it is; row 3 is a new task whose row renames its agent.
    const csv = [
      'external_id,agent_email,agent_name,completed_at',
      `T-1,sam@example.com,,${MAY}`,
      `T-2,sam@example.com,New,${MAY}`,
    ].join('\n');
    const { upload, message } = await acceptUpload(organization, csv);

    // The POST moves T-1 (which the chunk read as unchanged) and names the agent as stored
    // (so it does not write the agent, whom the chunk renames).
    let batches = 0;
    const db = interceptBatches(async (statements, real) => {
      if (++batches === 2) {
        const moved = { external_id: 'T-1', agent, completed_at: JANUARY };
        expect((await postTask(organization, { task: moved })).status).toBe(200);
      }
      return real(statements);
    });
    expect(await processUploadStep(envWith({ DB: db }), message)).toMatchObject({
      kind: 'completed',
    });

    const [employee] = await employeesOf(organization.id);
    const taskOne = (await tasksOf(organization.id)).find((task) => task.external_id === 'T-1');
    const counters = await getUpload(organization, upload.id);
    // The chunk's write met the POST's and was decided again from a fresh read: the POST
    // came first, so T-1's row updates it back and the agent keeps the chunk's name.
    expect({ name: employee!.name, taskOne: taskOne!.completed_at }).toEqual({
      name: 'New',
      taskOne: MAY,
    });
    expect(counters).toMatchObject({ created_rows: 1, updated_rows: 1, unchanged_rows: 0 });
  });
});
