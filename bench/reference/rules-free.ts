// The bulk benchmark's end-to-end reference for what the upload pipeline costs without the
// contract's work on each row. Requests go to the real Worker: the file is received, stored in
// R2, the upload recorded and the queue woken exactly as the service does it. The queue consumer
// here claims the upload and reads the stored file with the service's ranged reads and parser,
// then writes every row as it stands: no validation, no agent matching, no deduplication, no
// revision guard. Each distinct agent cell becomes one employee, each row one task minted with
// the service's ids, and every chunk of UPLOAD_CHUNK_ROWS rows commits with the service's own
// statements (employees, tasks, progress) in one batch, as the service commits its chunks.
// Served with a copy of wrangler.toml whose `main` points here (`serviceConfigWithMain` in
// bench/diagnose.ts writes it).

import type { Employee } from '../../src/employees/employee';
import { insertEmployees } from '../../src/employees/repository';
import { readSettings } from '../../src/env';
import worker from '../../src/index';
import { newId } from '../../src/lib/ids';
import type { Position } from '../../src/pipeline/chunk';
import { uploadMessageSchema } from '../../src/pipeline/messages';
import { openRecords, type RecordReader } from '../../src/pipeline/records';
import { claimUpload, recordChunk } from '../../src/pipeline/repository';
import type { TaskRecord } from '../../src/tasks/task-record';
import { insertTasks } from '../../src/tasks/repository';
import { mapColumns, type ColumnMap } from '../../src/uploads/columns';
import { findUploadById } from '../../src/uploads/repository';

export default {
  fetch: worker.fetch,

  async queue(batch, env) {
    for (const message of batch.messages) {
      const { upload_id: uploadId } = uploadMessageSchema.parse(message.body);
      await writeRowsAsTheyStand(env, uploadId);
      message.ack();
    }
  },
} satisfies ExportedHandler<Env>;

async function writeRowsAsTheyStand(env: Env, uploadId: string): Promise<void> {
  const upload = await findUploadById(env.DB, uploadId);
  const columns = upload && mapColumns(upload.header);
  if (!upload || !columns?.ok) throw new Error(`upload ${uploadId} cannot be read`);

  const lease = {
    uploadId,
    step: upload.step,
    leaseId: crypto.randomUUID(),
    leaseUntil: new Date(Date.now() + 600_000).toISOString(),
  };
  const claimed = await claimUpload(env.DB, { ...lease, now: new Date().toISOString() });
  if (!claimed) throw new Error(`${uploadId} is held`);

  const records = await openRecords(env, upload);
  if (!records) throw new Error(`the file of ${uploadId} is gone`);
  const chunkRows = readSettings(env).UPLOAD_CHUNK_ROWS;
  const agents = new Map<string, Employee>();
  let position = { offset: upload.nextOffset, line: upload.nextLine, row: upload.nextRow };
  let processed = 0;

  for (let more = true; more; lease.step++) {
    const now = new Date().toISOString();
    const chunk = await readChunk(records, columns.columns, chunkRows, agents, now);
    more = await hasMore(records);
    position = chunk.end ?? position;
    processed += chunk.tasks.length;
    const progress = {
      created: chunk.tasks.length,
      updated: 0,
      unchanged: 0,
      failed: 0,
      nextOffset: position.offset,
      nextLine: position.line,
      nextRow: position.row,
      totalRows: more ? null : processed,
    };
    await env.DB.batch([
      ...insertEmployees(env.DB, upload.organizationId, chunk.employees),
      ...insertTasks(env.DB, upload.organizationId, chunk.tasks),
      ...recordChunk(env.DB, lease, progress, [], now),
    ]);
  }
  await records.close();
  await env.UPLOADS.delete(upload.objectKey);
}

/** Up to `rows` records as tasks, with the employees their agent cells name for the first time. */
async function readChunk(
  records: RecordReader,
  columns: ColumnMap,
  rows: number,
  agents: Map<string, Employee>,
  now: string,
) {
  const tasks: TaskRecord[] = [];
  const employees: Employee[] = [];
  // The custom cells as a JSON object, each key written once: `{"key":` and `,"key":`.
  const keys = columns.custom.map(({ key }, k) => `${k === 0 ? '{' : ','}${JSON.stringify(key)}:`);
  let end: Position | null = null;

  // Awaited only when the records at hand run out: an await per row would cost more than
  // the rest of this loop.
  while (tasks.length < rows && (records.hasRecord() || (await hasMore(records)))) {
    const record = records.take();
    const cells = record.cells;
    let attributes = keys.length === 0 ? '{' : '';
    for (let k = 0; k < keys.length; k++) {
      attributes += keys[k]! + JSON.stringify(cells[columns.custom[k]!.index] ?? '');
    }
    tasks.push({
      id: newId('task'),
      externalId: cells[columns.externalId]!,
      employeeId: agentOf(cells, columns, agents, now, employees).id,
      completedAt: cells[columns.completedAt]!,
      customAttributes: attributes + '}',
      revision: 0,
      createdAt: now,
      updatedAt: now,
    });
    // Rows are numbered as lines: the benchmark's files have no blank lines.
    end = { offset: record.nextOffset, line: record.nextLine, row: record.nextLine };
  }
  return { tasks, employees, end };
}

/**
 * The employee the agent cells name, by its external id, else by its email: the one seen before,
 * or a new one (added to `created`).
 */
function agentOf(
  cells: string[],
  columns: ColumnMap,
  agents: Map<string, Employee>,
  now: string,
  created: Employee[],
): Employee {
  const externalId = columns.agentExternalId === null ? '' : cells[columns.agentExternalId]!;
  const email = columns.agentEmail === null ? '' : cells[columns.agentEmail]!;
  const key = externalId || `@${email.toLowerCase()}`;
  const known = agents.get(key);
  if (known) return known;

  const agent = {
    id: newId('emp'),
    externalId: externalId || null,
    email: email || null,
    name: (columns.agentName === null ? '' : cells[columns.agentName]!) || null,
    revision: 0,
    createdAt: now,
    updatedAt: now,
  };
  // Both keys, so that a later row naming the agent by the other one finds it.
  agents.set(key, agent);
  if (externalId && email) agents.set(`@${email.toLowerCase()}`, agent);
  created.push(agent);
  return agent;
}

async function hasMore(records: RecordReader): Promise<boolean> {
  return records.hasRecord() || (await records.refill()).kind === 'more';
}
