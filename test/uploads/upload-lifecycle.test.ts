import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';

import { createApp } from '../../src/app';
import { processUploadStep } from '../../src/pipeline/process-step';

import { employeesOf, tasksOf } from '../support/database';
import { requestAs } from '../support/http';
import { createOrganization } from '../support/organizations';
import { acceptUpload, envWith } from '../support/pipeline';
import {
  uploadAndWait,
  uploadCsv,
  uploadRawCsv,
  waitForUpload,
  type UploadBody,
} from '../support/uploads';

const CSV = [
  'external_id,agent_external_id,agent_email,agent_name,completed_at,custom_task_type,custom_zip',
  'T-1,E-1,alex@example.com,Alex Smith,2026-05-12T14:32:00Z,fraud_review,00123',
  'T-2,,sam@example.com,Sam,2026-05-12 16:00:00+02:00,kyc,',
  'T-3,E-1,,,2026-05-13T09:00:00Z,,',
].join('\n');

describe('POST /tasks/upload', () => {
  it('answers 202 with Location and a pending upload', async () => {
    const organization = await createOrganization();

    const response = await uploadCsv(organization, CSV, 'may.csv');

    expect(response.status).toBe(202);
    const { data } = await response.json<{ data: UploadBody }>();
    expect(response.headers.get('Location')).toBe(`/tasks/upload/${data.id}`);
    expect(data).toMatchObject({
      status: 'pending',
      progress: 0,
      filename: 'may.csv',
      size_bytes: new TextEncoder().encode(CSV).byteLength,
      total_rows: null,
      processed_rows: 0,
      errors: [],
      error: null,
    });
    expect(data.id).toMatch(/^upload_[0-9A-Z]{26}$/);
  });

  it('stores every row as a task once processed, with exact counters', async () => {
    const organization = await createOrganization();

    const upload = await uploadAndWait(organization, CSV);

    expect(upload).toMatchObject({
      status: 'completed',
      progress: 1,
      total_rows: 3,
      processed_rows: 3,
      created_rows: 3,
      updated_rows: 0,
      unchanged_rows: 0,
      failed_rows: 0,
    });
    expect(upload.started_at).not.toBeNull();
    expect(upload.completed_at).not.toBeNull();
    expect(await tasksOf(organization.id)).toHaveLength(3);
    expect(await employeesOf(organization.id)).toHaveLength(2);
  });

  it('keeps custom cells as text and leaves empty ones out', async () => {
    const organization = await createOrganization();

    await uploadAndWait(organization, CSV);

    const tasks = await tasksOf(organization.id);
    const attributes = Object.fromEntries(
      tasks.map((task) => [task.external_id, JSON.parse(task.custom_attributes)]),
    );
    expect(attributes).toEqual({
      'T-1': { task_type: 'fraud_review', zip: '00123' },
      'T-2': { task_type: 'kyc' },
      'T-3': {},
    });
  });

  it('accepts the CSV as a raw text/csv body', async () => {
    const organization = await createOrganization();

    const response = await uploadRawCsv(organization, CSV);

    expect(response.status).toBe(202);
    const { data } = await response.json<{ data: UploadBody }>();
    expect((await waitForUpload(organization, data.id)).created_rows).toBe(3);
  });

  it.each([
    ['a form with another field after the file', 'form-and-field', true],
    ['a form sent without declaring its length', 'form', false],
    ['a raw CSV sent without declaring its length', 'raw', false],
  ])(
    'stores every row of %s, and gives the size of the file alone',
    async (_case, kind, declared) => {
      const organization = await createOrganization();
      const form = new FormData();
      form.append('file', new File([CSV], 'tasks.csv', { type: 'text/csv' }));
      if (kind === 'form-and-field') form.append('comment', 'sent after the file');
      const encoded = kind === 'raw' ? new Response(CSV) : new Response(form);
      const contentType = kind === 'raw' ? 'text/csv' : encoded.headers.get('Content-Type')!;
      const bytes = new Uint8Array(await encoded.arrayBuffer());

      const response = await requestAs(organization, '/tasks/upload', {
        method: 'POST',
        headers: {
          'Content-Type': contentType,
          ...(declared && { 'Content-Length': String(bytes.length) }),
        },
        body: declared ? bytes : new Blob([bytes]).stream(),
        // @ts-expect-error: `duplex` is required by fetch for a streamed body, but not in the types.
        duplex: 'half',
      });

      expect(response.status).toBe(202);
      const { data } = await response.json<{ data: UploadBody }>();
      const upload = await waitForUpload(organization, data.id);
      expect(upload).toMatchObject({
        status: 'completed',
        size_bytes: new TextEncoder().encode(CSV).byteLength,
        created_rows: 3,
        failed_rows: 0,
      });
      expect(await tasksOf(organization.id)).toHaveLength(3);
    },
  );

  it('counts every row as unchanged when the same file is uploaded again', async () => {
    const organization = await createOrganization();
    await uploadAndWait(organization, CSV);
    const before = await tasksOf(organization.id);

    const again = await uploadAndWait(organization, CSV);

    expect(again).toMatchObject({
      processed_rows: 3,
      unchanged_rows: 3,
      created_rows: 0,
      updated_rows: 0,
    });
    expect(await tasksOf(organization.id)).toEqual(before);
  });
});

/**
 * The test D1 binding, with `hook` run once just before row errors are first read, however the
 * read is made: a statement of its own, or one of a batch (the hook then runs before the batch).
 */
function beforeErrorsRead(hook: () => Promise<unknown>): D1Database {
  let pending: (() => Promise<unknown>) | null = hook;
  const readsErrors = new WeakSet<D1PreparedStatement>();
  const runPending = async () => {
    const next = pending;
    pending = null;
    await next?.();
  };
  const marked = (statement: D1PreparedStatement): D1PreparedStatement => {
    readsErrors.add(statement);
    const { bind, all, first, raw, run } = statement;
    const afterHook =
      <R>(method: (...args: never[]) => Promise<R>) =>
      async (...args: never[]) => {
        await runPending();
        return method.apply(statement, args);
      };
    return Object.assign(statement, {
      bind: (...values: unknown[]) => marked(bind.apply(statement, values)),
      all: afterHook(all),
      first: afterHook(first),
      raw: afterHook(raw),
      run: afterHook(run),
    });
  };

  return new Proxy(env.DB, {
    get(target, property) {
      if (property === 'prepare') {
        return (sql: string) => {
          const statement = target.prepare(sql);
          return sql.includes('FROM upload_errors') ? marked(statement) : statement;
        };
      }
      if (property === 'batch') {
        return async (statements: D1PreparedStatement[]) => {
          if (statements.some((statement) => readsErrors.has(statement))) await runPending();
          return target.batch(statements);
        };
      }
      const value = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('GET /tasks/upload/{id}', () => {
  it('shows the row errors its counters include, whenever a chunk commits', async () => {
    const organization = await createOrganization();
    const csv =
      'external_id,agent_external_id,completed_at\nT-1,E-1,never\nT-2,E-1,2026-05-12T14:32Z';
    const { upload, message } = await acceptUpload(organization, csv);
    // The consumer commits the file's only chunk, with its row error, just before the errors
    // are read: a route that read the upload before that would show counters without it.
    const db = beforeErrorsRead(() => processUploadStep(env, message));

    const context = createExecutionContext();
    const response = await createApp().fetch(
      new Request(`https://tasks-ingest.test/tasks/upload/${upload.id}`, {
        headers: { Authorization: `Bearer ${organization.apiKey}` },
      }),
      envWith({ DB: db }),
      context,
    );
    await waitOnExecutionContext(context);

    const { data } = await response.json<{ data: UploadBody }>();
    expect(data).toMatchObject({ status: 'completed', failed_rows: 1 });
    expect(data.errors).toHaveLength(1);
  });

  it("answers 404 for another organization's upload", async () => {
    const owner = await createOrganization();
    const stranger = await createOrganization();
    const response = await uploadCsv(owner, CSV);
    const { data } = await response.json<{ data: UploadBody }>();

    const seen = await requestAs(stranger, `/tasks/upload/${data.id}`);
    const errors = await requestAs(stranger, `/tasks/upload/${data.id}/errors`);

    expect(seen.status).toBe(404);
    expect(errors.status).toBe(404);
  });
});
