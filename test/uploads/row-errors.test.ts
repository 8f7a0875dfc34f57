import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';

import { processUploadStep } from '../../src/pipeline/process-step';
import { tasksOf } from '../support/database';
import { requestAs } from '../support/http';
import { createOrganization, type TestOrganization } from '../support/organizations';
import { interceptBatches } from '../support/intercepted-d1';
import { acceptUpload, envWith, recordingQueue, runToEnd } from '../support/pipeline';
import { getUpload, uploadAndWait } from '../support/uploads';

const HEADER = 'external_id,agent_external_id,agent_email,completed_at,custom_note';

/** D1 holds no text (a bound parameter, a stored value) over 2,000,000 bytes. */
const D1_MAX_TEXT_BYTES = 2_000_000;

async function reportOf(organization: TestOrganization, uploadId: string): Promise<string> {
  const response = await requestAs(organization, `/tasks/upload/${uploadId}/errors?format=csv`);
  expect(response.status).toBe(200);
  return response.text();
}

/** [case, row as CSV, code, field] */
const BAD_ROWS: [string, string, string, string | null][] = [
  ['a blank external_id', ' ,E-1,,2026-05-12T14:32:00Z,', 'invalid_external_id', 'external_id'],
  ['no agent identifier', 'T-1,,,2026-05-12T14:32:00Z,', 'missing_agent', 'agent'],
  ['an invalid email', 'T-1,,alex@,2026-05-12T14:32:00Z,', 'invalid_agent_email', 'agent_email'],
  [
    'a timestamp without offset',
    'T-1,E-1,,2026-05-12T14:32:00,',
    'invalid_completed_at',
    'completed_at',
  ],
  ['an impossible date', 'T-1,E-1,,2026-02-30T14:32:00Z,', 'invalid_completed_at', 'completed_at'],
  ['a missing timestamp', 'T-1,E-1,,,', 'missing_completed_at', 'completed_at'],
  [
    'an external_id over 255 characters',
    `${'x'.repeat(256)},E-1,,2026-05-12T14:32:00Z,`,
    'invalid_external_id',
    'external_id',
  ],
  [
    'a custom cell over 32 KiB',
    `T-1,E-1,,2026-05-12T14:32:00Z,${'x'.repeat(33_000)}`,
    'invalid_custom_attributes',
    'custom_attributes',
  ],
  ['more cells than the header', 'T-1,E-1,,2026-05-12T14:32:00Z,,extra', 'too_many_cells', null],
  ['text after a closing quote', 'T-1,"E-1"x,,2026-05-12T14:32:00Z,', 'malformed_row', null],
];

describe('row errors', () => {
  it.each(BAD_ROWS)(
    'refuses %s, stores the rows around it, and completes',
    async (_case, row, code, field) => {
      const organization = await createOrganization();
      const csv = [
        HEADER,
        'T-before,E-1,,2026-05-12T14:32:00Z,',
        row,
        'T-after,E-1,,2026-05-12T14:32:00Z,',
      ].join('\n');

      const upload = await uploadAndWait(organization, csv);

      expect(upload).toMatchObject({
        status: 'completed',
        processed_rows: 3,
        created_rows: 2,
        failed_rows: 1,
      });
      expect(upload.errors).toHaveLength(1);
      expect(upload.errors[0]).toMatchObject({ row: 3, line: 3, code, field });
      expect(upload.errors[0]!.message).not.toBe('');
    },
  );

  it('numbers rows as a spreadsheet does and lines as the file does, past line breaks and blank rows', async () => {
    const organization = await createOrganization();
    const csv = [
      HEADER,
      'T-1,E-1,,2026-05-12T14:32:00Z,"a note',
      'over three',
      'lines"',
      'T-2,E-1,,not a date,',
      ',,,,',
      '',
      'T-3,,,2026-05-12T14:32:00Z,"one ""quoted"" word"',
    ].join('\r\n');

    const upload = await uploadAndWait(organization, csv);

    expect(upload.errors.map(({ row, line, external_id }) => ({ row, line, external_id }))).toEqual(
      [
        { row: 3, line: 5, external_id: 'T-2' },
        { row: 6, line: 8, external_id: 'T-3' },
      ],
    );
  });

  it('counts blank lines and rows of empty cells above the header as spreadsheet rows too', async () => {
    const organization = await createOrganization();
    const csv = ['', ',,,,', HEADER, 'T-1,E-1,,not a date,'].join('\n');

    const upload = await uploadAndWait(organization, csv);

    expect(upload.errors[0]).toMatchObject({ row: 4, line: 4, external_id: 'T-1' });
  });

  it('commits refused rows with large cells before their chunk holds 8 MiB, and keeps them all', async () => {
    const organization = await createOrganization();
    // Each row is refused (its note is over 32 KiB) and keeps its 1 MB of cells for the report.
    const rows = Array.from(
      { length: 12 },
      (_, index) => `T-${index},E-1,,2026-05-12T14:32:00Z,${'n'.repeat(1_000_000)}`,
    );
    const { upload, message } = await acceptUpload(organization, [HEADER, ...rows].join('\n'));
    const { sent, queue } = recordingQueue();
    // One chunk per step, so that the steps count the chunks; 50 rows would fit in one.
    const stepEnv = envWith({ UPLOAD_QUEUE: queue, UPLOAD_STEP_SECONDS: '0' });

    const outcomes = await runToEnd(stepEnv, sent, message);

    expect(outcomes.map((outcome) => outcome.kind)).toEqual(['continued', 'completed']);
    const stored = await requestAs(organization, `/tasks/upload/${upload.id}/errors?limit=20`);
    const { data } = await stored.json<{ data: { row: number; code: string }[] }>();
    expect(data.map((error) => [error.row, error.code])).toEqual(
      rows.map((_, index) => [index + 2, 'invalid_custom_attributes']),
    );
  });

  it('keeps what D1 can hold of refused rows too long to keep whole, and stores the rows around them', async () => {
    const organization = await createOrganization();
    const rows = [
      // 800,000 trailing commas: 800 KB of record, of no use to the report.
      `T-1,E-1,,2026-05-12T14:32:00Z,x,extra${','.repeat(800_000)}`,
      // 800,000 quoted line breaks: 800 KB of record, but 1.6 MB as JSON (`\n` for each).
      `T-2,E-1,,2026-05-12T14:32:00Z,"${'\n'.repeat(800_000)}"`,
      'T-3,E-1,,2026-05-12T14:32:00Z,fine',
      // An external id of 300,000 control characters: 1.8 MB as JSON, kept once, cut.
      `${'\u0001'.repeat(300_000)},E-1,,2026-05-12T14:32:00Z,x`,
    ];
    const { upload, message } = await acceptUpload(organization, [HEADER, ...rows].join('\n'));
    let largestText = 0;
    const db = interceptBatches(async (statements, real) => {
      for (const { params } of statements as unknown as { params: unknown[] }[]) {
        for (const text of params.filter((param) => typeof param === 'string')) {
          largestText = Math.max(largestText, new TextEncoder().encode(text).length);
        }
      }
      return real(statements);
    });

    await processUploadStep(envWith({ DB: db }), message);

    expect(largestText).toBeLessThanOrEqual(D1_MAX_TEXT_BYTES);
    const done = await getUpload(organization, upload.id);
    expect(done).toMatchObject({ status: 'completed', created_rows: 1, failed_rows: 3 });
    const stored = await env.DB.prepare(
      `SELECT max(length(CAST(external_id AS BLOB)) + length(CAST(message AS BLOB)) +
                  length(CAST(cells AS BLOB))) AS bytes
         FROM upload_errors WHERE upload_id = ?1`,
    )
      .bind(upload.id)
      .first<{ bytes: number }>();
    expect(stored!.bytes).toBeLessThanOrEqual(D1_MAX_TEXT_BYTES);
    expect(done.errors.at(-1)).toMatchObject({ row: 5, external_id: null });
    const [, first, second] = (await reportOf(organization, upload.id)).split('\r\n');
    expect(first).toBe('has 800006 cells; the header has 5,T-1,E-1,,2026-05-12T14:32:00Z,x,extra');
    expect(second).toMatch(
      /keeps only the start of its cells.*,T-2,E-1,,2026-05-12T14:32:00Z,"\n+"$/s,
    );
    const keptBreaks = second!.split('\n').length - 1;
    expect(keptBreaks).toBeGreaterThan(700_000);
    expect(keptBreaks).toBeLessThan(800_000);
  });

  it('lists every row error in order across pages with a cursor', async () => {
    const organization = await createOrganization();
    const rows = Array.from(
      { length: 25 },
      (_, index) => `T-${index},E-1,,${index % 2 ? 'bad' : '2026-05-12T14:32:00Z'},`,
    );
    const upload = await uploadAndWait(organization, [HEADER, ...rows].join('\n'));

    const pages: { row: number }[][] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const query: string = cursor ? `?limit=5&cursor=${cursor}` : '?limit=5';
      const response = await requestAs(organization, `/tasks/upload/${upload.id}/errors${query}`);
      expect(response.status).toBe(200);
      const page: { data: { row: number }[]; next_cursor: string | null } = await response.json();
      pages.push(page.data);
      cursor = page.next_cursor;
    }

    const listed = pages.flat().map((error) => error.row);
    expect(listed).toEqual(Array.from({ length: 12 }, (_, index) => 3 + 2 * index));
    expect(pages[0]).toHaveLength(5);
    expect(upload.errors).toHaveLength(10);
  });

  it('gives no next cursor after a last page that is exactly full', async () => {
    const organization = await createOrganization();
    const rows = Array.from({ length: 4 }, (_, index) => `T-${index},E-1,,bad,`);
    const upload = await uploadAndWait(organization, [HEADER, ...rows].join('\n'));

    const pageOf = async (query: string) => {
      const response = await requestAs(organization, `/tasks/upload/${upload.id}/errors${query}`);
      return response.json<{ data: { row: number }[]; next_cursor: string | null }>();
    };
    const first = await pageOf('?limit=2');
    const last = await pageOf(`?limit=2&cursor=${first.next_cursor}`);

    expect(first.data.map((error) => error.row)).toEqual([2, 3]);
    expect(last).toEqual({
      data: [expect.objectContaining({ row: 4 }), expect.objectContaining({ row: 5 })],
      next_cursor: null,
    });
  });

  it.each([
    ['a limit of 0', '?limit=0'],
    ['a limit over 1000', '?limit=1001'],
    ['a limit that is not a number', '?limit=ten'],
    ['a forged cursor', '?cursor=abc'],
    ['an unknown format', '?format=xml'],
  ])('refuses %s with 422', async (_case, query) => {
    const organization = await createOrganization();
    const upload = await uploadAndWait(organization, `${HEADER}\nT-1,E-1,,bad,`);

    const response = await requestAs(organization, `/tasks/upload/${upload.id}/errors${query}`);

    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ code: 'validation_failed' });
  });
});

describe('the error report as CSV', () => {
  const csv = [
    HEADER,
    'T-1,E-1,,2026-05-12T14:32:00Z,fine',
    'T-2,E-1,,never,"=HYPERLINK(""http://x"")"',
    'T-3,,,2026-05-12T14:32:00Z,"+1 a, b"',
    'T-4,E-1,,later,-12',
  ].join('\n');

  it.each([
    ['Accept: text/csv', '', { Accept: 'text/csv' }],
    ['a browser-like Accept', '', { Accept: 'text/csv, application/json;q=0.5, */*;q=0.1' }],
    ['Accept: text/*', '', { Accept: 'text/*' }],
    ['?format=csv', '?format=csv', {}],
  ])(
    'is returned for %s with an error column, then the original cells',
    async (_case, query, headers) => {
      const organization = await createOrganization();
      const upload = await uploadAndWait(organization, csv);

      const response = await requestAs(organization, `/tasks/upload/${upload.id}/errors${query}`, {
        headers,
      });

      expect(response.status).toBe(200);
      expect(response.headers.get('Content-Type')).toBe('text/csv; charset=utf-8');
      const lines = (await response.text()).split('\r\n');
      expect(lines[0]).toBe(`error,${HEADER}`);
      expect(lines[1]).toMatch(
        /^"?completed_at .*,T-2,E-1,,never,"'=HYPERLINK\(""http:\/\/x""\)"$/,
      );
      expect(lines[2]).toMatch(/^"?agent .*,T-3,,,2026-05-12T14:32:00Z,"'\+1 a, b"$/);
      expect(lines[3]).toMatch(/^"?completed_at .*,T-4,E-1,,later,-12$/);
      expect(lines.slice(4)).toEqual(['']);
    },
  );

  it.each([
    ['text/csv with q=0', 'application/json, text/csv;q=0'],
    ['JSON above CSV', 'text/csv;q=0.4, application/json'],
    ['no preference', '*/*'],
    ['text/csv refused, text/* welcome', 'text/csv;q=0, text/*'],
    [
      'text/csv ranked below JSON, text/* above it',
      'text/csv;q=0.3, text/*, application/json;q=0.5',
    ],
  ])('is not chosen by an Accept of %s: JSON is', async (_case, accept) => {
    const organization = await createOrganization();
    const upload = await uploadAndWait(organization, csv);

    const response = await requestAs(organization, `/tasks/upload/${upload.id}/errors`, {
      headers: { Accept: accept },
    });

    expect(response.headers.get('Content-Type')).toMatch(/^application\/json/);
  });

  it('writes the header names trimmed and unguarded, so that the report uploads again', async () => {
    const organization = await createOrganization();
    const header = HEADER.replace('external_id,', '\texternal_id ,');
    const first = await uploadAndWait(organization, `${header}\nT-1,E-1,,never,x`);

    const report = await reportOf(organization, first.id);
    const second = await uploadAndWait(
      organization,
      report.replace(',never,', ',2026-05-12T14:32:00Z,'),
    );

    expect(report.split('\r\n')[0]).toBe(`error,${HEADER}`);
    expect(second).toMatchObject({ status: 'completed', created_rows: 1 });
  });

  it('keeps the header over its cells when a row has too many', async () => {
    const organization = await createOrganization();
    const upload = await uploadAndWait(
      organization,
      `${HEADER}\nT-1,E-1,,2026-05-12T14:32:00Z,x,extra`,
    );

    const lines = (await reportOf(organization, upload.id)).split('\r\n');

    expect(lines[0]).toBe(`error,${HEADER}`);
    expect(lines[1]).toBe('has 6 cells; the header has 5,T-1,E-1,,2026-05-12T14:32:00Z,x,extra');
  });

  it('can be fixed and uploaded again as it is, storing the values first sent', async () => {
    const organization = await createOrganization();
    const first = await uploadAndWait(
      organization,
      [
        HEADER,
        '-F4,E-1,,never,"=HYPERLINK(""http://x"")"',
        '@T-5,E-1,,later,+1 555 0100',
        "'T-6,E-1,,soon,'=kept",
      ].join('\n'),
    );
    const fixed = (await reportOf(organization, first.id))
      .replace(',never,', ',2026-05-12T14:32:00Z,')
      .replace(',later,', ',2026-05-13T09:00:00Z,')
      .replace(',soon,', ',2026-05-14T09:00:00Z,');

    const second = await uploadAndWait(organization, fixed);

    expect(second).toMatchObject({ status: 'completed', created_rows: 3, failed_rows: 0 });
    const stored = (await tasksOf(organization.id))
      .map((task) => [task.external_id, task.custom_attributes])
      .sort();
    expect(stored).toEqual([
      ["'T-6", JSON.stringify({ note: "'=kept" })],
      ['-F4', JSON.stringify({ note: '=HYPERLINK("http://x")' })],
      ['@T-5', JSON.stringify({ note: '+1 555 0100' })],
    ]);
  });

  it('reports a report that fails again with one error column, the new one', async () => {
    const organization = await createOrganization();
    const first = await uploadAndWait(organization, `${HEADER}\n=T-1,E-1,,never,x`);

    const second = await uploadAndWait(organization, await reportOf(organization, first.id));
    const report = await reportOf(organization, second.id);

    expect(second).toMatchObject({ failed_rows: 1 });
    expect(second.errors[0]?.external_id).toBe('=T-1');
    expect(report).toBe(await reportOf(organization, first.id));
  });

  it('keeps an apostrophe in a file that is not a report', async () => {
    const organization = await createOrganization();

    await uploadAndWait(organization, `${HEADER}\n'-T-1,E-1,,2026-05-12T14:32:00Z,'=x`);

    const [task] = await tasksOf(organization.id);
    expect(task).toMatchObject({
      external_id: "'-T-1",
      custom_attributes: JSON.stringify({ note: "'=x" }),
    });
  });
});
