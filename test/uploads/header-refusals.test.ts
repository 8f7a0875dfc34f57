import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';

import { createOrganization, type TestOrganization } from '../support/organizations';
import { uploadCsv, uploadRawCsv } from '../support/uploads';
import { requestAs } from '../support/http';

const ROW = 'T-1,E-1,2026-05-12T14:32:00Z';

/** [case, file, columns the problem must name] */
const UNUSABLE_HEADERS: [string, string, string[]][] = [
  ['an empty file', '', []],
  ['a file of blank lines', '\n\n\r\n', []],
  [
    'a missing external_id column',
    `agent_external_id,completed_at\nE-1,2026-05-12T14:32:00Z`,
    ['external_id'],
  ],
  ['a missing completed_at column', `external_id,agent_external_id\nT-1,E-1`, ['completed_at']],
  [
    'no agent column',
    `external_id,agent_name,completed_at\nT-1,Alex,2026-05-12T14:32:00Z`,
    ['agent_external_id'],
  ],
  [
    'a duplicate column',
    `external_id,agent_external_id,completed_at,External_ID\n${ROW},T`,
    ['external_id'],
  ],
  [
    'an unknown column',
    `external_id,agent_external_id,completed_at,priority\n${ROW},high`,
    ['priority'],
  ],
  [
    'an empty custom key',
    `external_id,agent_external_id,completed_at,custom_\n${ROW},x`,
    ['custom_'],
  ],
  [
    'a custom key over 255 characters',
    `external_id,agent_external_id,completed_at,custom_${'k'.repeat(256)}\n${ROW},x`,
    [`custom_${'k'.repeat(256)}`],
  ],
  [
    'a custom key that a JSON object cannot keep',
    `external_id,agent_external_id,completed_at,custom___proto__\n${ROW},x`,
    ['custom___proto__'],
  ],
  ['a column without a name', `external_id,agent_external_id,completed_at,\n${ROW},`, ['']],
  [
    'several problems at once',
    `agent_name,priority\nAlex,high`,
    ['priority', 'external_id', 'completed_at', 'agent_external_id'],
  ],
  [
    'an error column that is not the first, as the error report has it',
    `external_id,error,agent_external_id,completed_at\nT-1,x,E-1,2026-05-12T14:32:00Z`,
    ['error'],
  ],
];

/** Uploaded files are stored under their organization's id. */
async function storedFilesOf(organizationId: string): Promise<number> {
  return (await env.UPLOADS.list({ prefix: `uploads/${organizationId}/` })).objects.length;
}

/**
 * POST /tasks/upload declaring a 200 MiB body while sending only `start`: a refusal must come
 * from the declared length, before the body is read.
 */
function postDeclaring200MiB(organization: TestOrganization, contentType: string, start: string) {
  const body = new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(start));
    },
  });
  return requestAs(organization, '/tasks/upload', {
    method: 'POST',
    headers: { 'Content-Type': contentType, 'Content-Length': String(200 * 1024 * 1024) },
    body,
    // @ts-expect-error: `duplex` is required by fetch for a streamed body, but not in the types.
    duplex: 'half',
  });
}

describe('POST /tasks/upload refuses a header that cannot work', () => {
  it.each(UNUSABLE_HEADERS)(
    'answers %s with 422 and keeps nothing',
    async (_case, csv, columns) => {
      const organization = await createOrganization();

      const response = await uploadCsv(organization, csv);

      expect(response.status).toBe(422);
      expect(response.headers.get('Content-Type')).toBe('application/problem+json');
      const problem = await response.json<{ code: string; errors?: { column: string }[] }>();
      expect(problem.code).toBe('invalid_csv_header');
      expect((problem.errors ?? []).map((error) => error.column)).toEqual(columns);
      expect(await storedFilesOf(organization.id)).toBe(0);
      const uploads = await env.DB.prepare(
        `SELECT COUNT(*) AS count FROM uploads WHERE organization_id = ?1`,
      )
        .bind(organization.id)
        .first<{ count: number }>();
      expect(uploads?.count).toBe(0);
    },
  );

  it('refuses a header that opens a quote it never closes, saying so', async () => {
    const organization = await createOrganization();
    const rows = Array.from({ length: 40_000 }, () => ROW).join('\n');

    const response = await uploadCsv(
      organization,
      `external_id,"agent_external_id,completed_at\n${rows}`,
    );

    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({
      code: 'invalid_csv_header',
      detail: expect.stringContaining('a quote that is never closed'),
    });
  });

  it('refuses a header row over 1 MiB, saying so', async () => {
    const organization = await createOrganization();
    const header = `external_id,agent_external_id,completed_at,custom_${'x'.repeat(1024 * 1024)}`;

    const response = await uploadCsv(organization, `${header}\n${ROW},x`);

    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({
      code: 'invalid_csv_header',
      detail:
        'The header row is longer than 1048576 bytes (1 MiB): does it open a quote that is never closed?',
    });
  });

  it('matches header names trimmed and in any case, in any order', async () => {
    const organization = await createOrganization();

    const response = await uploadCsv(
      organization,
      ` Completed_At ,AGENT_EMAIL, external_id\n2026-05-12T14:32:00Z,a@example.com,T-1`,
    );

    expect(response.status).toBe(202);
  });

  it('refuses invalid UTF-8 in the header with 422', async () => {
    const organization = await createOrganization();
    const bytes = new Uint8Array([
      ...new TextEncoder().encode('external_id,agent_email,completed_at,custom_'),
      0xff,
      0x0a,
    ]);

    const response = await uploadCsv(organization, bytes);

    expect(response.status).toBe(422);
  });
});

describe('POST /tasks/upload refuses bodies it cannot take', () => {
  it('answers 415 for a JSON body', async () => {
    const organization = await createOrganization();

    const response = await requestAs(organization, '/tasks/upload', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });

    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({ code: 'unsupported_media_type' });
  });

  it.each([
    ['a gzip content coding', { 'Content-Type': 'text/csv', 'Content-Encoding': 'gzip' }],
    ['a UTF-16 charset', { 'Content-Type': 'text/csv; charset=utf-16' }],
  ])('answers 415 for a raw CSV with %s, and keeps nothing', async (_case, headers) => {
    const organization = await createOrganization();

    const response = await requestAs(organization, '/tasks/upload', {
      method: 'POST',
      headers,
      body: `external_id,agent_external_id,completed_at\n${ROW}`,
    });

    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({ code: 'unsupported_media_type' });
    expect(await storedFilesOf(organization.id)).toBe(0);
  });

  it('answers 415 for a file part declared in a charset other than UTF-8', async () => {
    const organization = await createOrganization();
    const form = new FormData();
    const csv = `external_id,agent_external_id,completed_at\n${ROW}`;
    form.append('file', new File([csv], 'tasks.csv', { type: 'text/csv; charset=iso-8859-1' }));

    const response = await requestAs(organization, '/tasks/upload', { method: 'POST', body: form });

    expect(response.status).toBe(415);
    expect(await storedFilesOf(organization.id)).toBe(0);
  });

  it('takes a raw CSV declared as UTF-8, in any spelling', async () => {
    const organization = await createOrganization();
    const body = `external_id,agent_external_id,completed_at\n${ROW}`;

    const statuses = await Promise.all(
      ['text/csv; charset=utf-8', 'text/csv; charset="UTF8"', 'text/csv; charset=US-ASCII'].map(
        async (contentType) => {
          const headers = { 'Content-Type': contentType, 'Content-Encoding': 'identity' };
          const response = await requestAs(organization, '/tasks/upload', {
            method: 'POST',
            headers,
            body,
          });
          return response.status;
        },
      ),
    );

    expect(statuses).toEqual([202, 202, 202]);
  });

  it('answers 422 for a form without a file part', async () => {
    const organization = await createOrganization();
    const form = new FormData();
    form.append('document', new File(['external_id'], 'tasks.csv'));

    const response = await requestAs(organization, '/tasks/upload', { method: 'POST', body: form });

    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ code: 'missing_file' });
  });

  it('answers 400 for a multipart body without a boundary', async () => {
    const organization = await createOrganization();

    const response = await requestAs(organization, '/tasks/upload', {
      method: 'POST',
      headers: { 'Content-Type': 'multipart/form-data' },
      body: 'x',
    });

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'malformed_multipart' });
  });

  it('answers 413 when the declared length is over the maximum, before reading', async () => {
    const organization = await createOrganization();

    const response = await postDeclaring200MiB(organization, 'text/csv', 'external_id');

    expect(response.status).toBe(413);
  });

  it('says, for a form declared too long, what the form may hold besides the file', async () => {
    const organization = await createOrganization();

    const response = await postDeclaring200MiB(
      organization,
      'multipart/form-data; boundary=b',
      '--b\r\n',
    );

    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({
      code: 'payload_too_large',
      detail: expect.stringMatching(/^The form is 209715200 bytes: .* other fields and framing\.$/),
    });
  });

  it('requires an API key', async () => {
    const response = await uploadRawCsv(
      { id: 'org_x', name: 'x', apiKey: 'tik_nope' },
      'external_id',
    );

    expect(response.status).toBe(401);
  });
});
