import { describe, expect, it } from 'vitest';

import { READ_RANGE_BYTES } from '../../src/uploads/storage';
import { tasksOf } from '../support/database';
import { createOrganization } from '../support/organizations';
import { uploadAndWait } from '../support/uploads';

const encoder = new TextEncoder();

describe('CSV files from real exports', () => {
  it.each([
    [
      'a byte-order mark',
      '\uFEFFexternal_id,agent_email,completed_at\nT-1,a@example.com,2026-05-12T14:32:00Z\n',
    ],
    [
      'CRLF line ends',
      'external_id,agent_email,completed_at\r\nT-1,a@example.com,2026-05-12T14:32:00Z\r\n',
    ],
    [
      'no final line end',
      'external_id,agent_email,completed_at\nT-1,a@example.com,2026-05-12T14:32:00Z',
    ],
    [
      'quoted header names',
      '"external_id","agent_email","completed_at"\n"T-1","a@example.com","2026-05-12T14:32:00Z"\n',
    ],
  ])('reads a file with %s', async (_case, csv) => {
    const organization = await createOrganization();

    const upload = await uploadAndWait(organization, csv);

    expect(upload).toMatchObject({ status: 'completed', created_rows: 1, failed_rows: 0 });
    expect((await tasksOf(organization.id))[0]?.external_id).toBe('T-1');
  });

  it('keeps quoted commas, doubled quotes, line breaks and multi-byte text in custom cells', async () => {
    const organization = await createOrganization();
    const note = 'Zoë said "ok", then\r\nleft ✓ 日本';
    const csv = `external_id,agent_email,completed_at,custom_note\nT-1,a@example.com,2026-05-12T14:32:00Z,"${note.replace(/"/g, '""')}"\n`;

    await uploadAndWait(organization, csv);

    const [task] = await tasksOf(organization.id);
    expect(JSON.parse(task!.custom_attributes)).toEqual({ note });
  });

  it('fails the upload with the byte offset when the file stops being UTF-8, keeping the rows before', async () => {
    const organization = await createOrganization();
    const good =
      'external_id,agent_email,completed_at\n' +
      Array.from(
        { length: 70 },
        (_, index) => `T-${index},a@example.com,2026-05-12T14:32:00Z\n`,
      ).join('');
    const bytes = new Uint8Array([
      ...encoder.encode(good),
      ...encoder.encode('T-bad,'),
      0xc3,
      0x28,
      ...encoder.encode(',2026-05-12T14:32:00Z\n'),
    ]);

    const upload = await uploadAndWait(organization, bytes);

    expect(upload.status).toBe('failed');
    expect(upload.error).toContain(`byte ${encoder.encode(good).byteLength}`);
    expect(upload).toMatchObject({ processed_rows: 70, created_rows: 70, total_rows: null });
    expect(await tasksOf(organization.id)).toHaveLength(70);
  });
});

describe('a file larger than one storage read', () => {
  it('stores every row, whichever records and characters the read ranges cut through', async () => {
    const organization = await createOrganization();
    // About 2.8 MiB: quoted line breaks and 2-, 3- and 4-byte characters land on range edges.
    const notes = Array.from({ length: 40_000 }, (_, index) => `n${index} é "日本"\r\n🙂`);
    const rows = notes.map(
      (note, index) =>
        `T-${index},a${index % 9}@example.com,2026-05-12T14:32:00Z,"${note.replace(/"/g, '""')}"`,
    );
    const csv = `external_id,agent_email,completed_at,custom_note\n${rows.join('\n')}\n`;
    expect(encoder.encode(csv).byteLength).toBeGreaterThan(2.5 * READ_RANGE_BYTES);

    const upload = await uploadAndWait(organization, csv);

    expect(upload).toMatchObject({ status: 'completed', created_rows: notes.length });
    const stored = await tasksOf(organization.id);
    const noteOf = new Map(
      stored.map((task) => [task.external_id, JSON.parse(task.custom_attributes).note]),
    );
    expect(notes.every((note, index) => noteOf.get(`T-${index}`) === note)).toBe(true);
    // 40,000 rows take a few seconds, more on a busy machine than the default 5 s allow.
  }, 30_000);
});
