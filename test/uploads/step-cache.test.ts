import { describe, expect, it } from 'vitest';

import { processUploadStep } from '../../src/pipeline/process-step';
import { employeesOf, tasksOf } from '../support/database';
import { interceptBatches } from '../support/intercepted-d1';
import { postTask } from '../support/http';
import { createOrganization, type TestOrganization } from '../support/organizations';
import { acceptUpload, envWith, validCsv } from '../support/pipeline';
import { taskBody } from '../support/tasks';
import { getUpload } from '../support/uploads';

// Chunks are 50 rows in tests (vitest.config.ts), and every upload here fits in one step.

/** Runs the upload's step with D1 batches counted, and `beforeBatch` run before each one. */
async function runStep(
  message: Parameters<typeof processUploadStep>[1],
  beforeBatch: (call: number) => Promise<void> = async () => {},
) {
  let batches = 0;
  const db = interceptBatches(async (statements, real) => {
    batches++;
    await beforeBatch(batches);
    return real(statements);
  });
  const outcome = await processUploadStep(envWith({ DB: db }), message);
  return { outcome, batches };
}

/** A CSV whose rows name their agent by the given columns, one distinct task per row. */
function csvOf(header: string, rows: string[]): string {
  return `${header}\n${rows.join('\n')}\n`;
}

function rowsOfAgent(from: number, to: number, agent: string): string[] {
  return Array.from({ length: to - from }, (_, index) => {
    return `T-${from + index},${agent},2026-05-12T14:32:00Z`;
  });
}

async function postAs(organization: TestOrganization, task: Record<string, unknown>) {
  const response = await postTask(organization, taskBody(task));
  expect(response.status).toBe(201);
}

describe('the chunks of one upload step', () => {
  it('read once, then write each later chunk of new tasks in a single round trip', async () => {
    const organization = await createOrganization();
    const { upload, message } = await acceptUpload(organization, validCsv(200));

    const { outcome, batches } = await runStep(message);

    expect(outcome).toEqual({ kind: 'completed', rows: 200 });
    // The first chunk reads and writes; the three after it only write.
    expect(batches).toBe(5);
    expect(await getUpload(organization, upload.id)).toMatchObject({ created_rows: 200 });
  });

  it('read every chunk when the file updates stored tasks, without a failed write first', async () => {
    const organization = await createOrganization();
    const first = await acceptUpload(organization, validCsv(150));
    await runStep(first.message);
    const again = await acceptUpload(organization, validCsv(150));

    const { batches } = await runStep(again.message);

    // Per chunk a read, then nothing to write but the upload's progress.
    expect(batches).toBe(6);
    expect(await getUpload(organization, again.upload.id)).toMatchObject({
      created_rows: 0,
      unchanged_rows: 150,
    });
  });

  it('match the agent a fresh read would find when another writer added one meanwhile', async () => {
    const organization = await createOrganization();
    const csv = csvOf('external_id,agent_external_id,agent_email,completed_at', [
      ...rowsOfAgent(0, 50, 'E-OLD,shared@example.com'),
      ...rowsOfAgent(50, 100, 'E-NEW,shared@example.com'),
    ]);
    const { upload, message } = await acceptUpload(organization, csv);
    // Between the chunks, a POST creates the employee with the external id of chunk 2's rows.
    const postBeforeSecondChunk = async (call: number) => {
      if (call !== 3) return;
      await postAs(organization, {
        external_id: 'T-posted',
        agent: { external_id: 'E-NEW', email: 'other@example.com' },
      });
    };

    const { outcome } = await runStep(message, postBeforeSecondChunk);

    expect(outcome).toEqual({ kind: 'completed', rows: 100 });
    const employees = await employeesOf(organization.id);
    const byEmail = employees.find((employee) => employee.external_id === 'E-OLD')!;
    const byExternalId = employees.find((employee) => employee.external_id === 'E-NEW')!;
    const tasks = await tasksOf(organization.id);
    const ownerOf = (externalId: string) =>
      tasks.find((task) => task.external_id === externalId)!.employee_id;
    expect(employees).toHaveLength(2);
    // Rule 1 matches by external id before email: chunk 2's rows go to the posted employee,
    // though the step has seen their email on the employee of chunk 1.
    expect(ownerOf('T-49')).toBe(byEmail.id);
    expect(ownerOf('T-50')).toBe(byExternalId.id);
    expect(ownerOf('T-99')).toBe(byExternalId.id);
    expect(await getUpload(organization, upload.id)).toMatchObject({ created_rows: 100 });
  });

  it('update a task that another writer created meanwhile, instead of creating it twice', async () => {
    const organization = await createOrganization();
    const { upload, message } = await acceptUpload(organization, validCsv(100));
    const postBeforeSecondChunk = async (call: number) => {
      if (call !== 3) return;
      await postAs(organization, {
        external_id: 'T-75',
        agent: { external_id: 'E-0' },
        completed_at: '2026-01-01T00:00:00Z',
      });
    };

    const { outcome } = await runStep(message, postBeforeSecondChunk);

    expect(outcome).toEqual({ kind: 'completed', rows: 100 });
    const tasks = await tasksOf(organization.id);
    const posted = tasks.filter((task) => task.external_id === 'T-75');
    expect(tasks).toHaveLength(100);
    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatchObject({ completed_at: '2026-05-12T14:32:00.000Z' });
    expect(await getUpload(organization, upload.id)).toMatchObject({
      created_rows: 99,
      updated_rows: 1,
    });
  });
});
