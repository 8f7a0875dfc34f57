import { describe, expect, it } from 'vitest';

import { taskInputSchema } from '../../src/tasks/schemas';
import { mapColumns } from '../../src/uploads/columns';
import { RowReader } from '../../src/uploads/rows';
import {
  GENERATED_COLUMNS,
  generateRows,
  randomSource,
  toTaskBody,
  type GeneratedRow,
} from '../support/generated-rows';

function readerFor(header: readonly string[]): RowReader {
  const columns = mapColumns([...header]);
  if (!columns.ok) throw new Error(`unusable header: ${JSON.stringify(columns.errors)}`);
  return new RowReader(columns.columns, header.length);
}

const cellsOf = (row: GeneratedRow) => GENERATED_COLUMNS.map((column) => row[column]);

/** Generated rows, plus rows that break one more rule each: lengths, sizes, emails. */
function rowsToCompare(seed: number): GeneratedRow[] {
  const random = randomSource(seed);
  return generateRows(seed, 2_000).map((row) => {
    if (!random.chance(0.05)) return row;
    return random.pick<GeneratedRow>([
      { ...row, external_id: 'x'.repeat(256) },
      { ...row, external_id: 'x'.repeat(255) },
      { ...row, external_id: ` ${'x'.repeat(255)}\t` },
      { ...row, external_id: '\u00a0T-1\u2003' },
      { ...row, external_id: '\u00a0\u2003' },
      { ...row, agent_name: 'n'.repeat(256) },
      { ...row, agent_email: `${'e'.repeat(250)}@example.com` },
      { ...row, custom_note: 'é'.repeat(17_000) },
      { ...row, custom_note: '\u0001'.repeat(6_000) },
      { ...row, completed_at: ' 2026-05-12T14:32:00+02:00 ' },
      { ...row, completed_at: '2026-02-30T14:32:00Z' },
      { ...row, completed_at: '2026-05-12 14:32:00.123456789-0930' },
    ]);
  });
}

describe('RowReader', () => {
  it.each([1, 2, 3, 4])(
    'reads every row as the task schema reads the same task as one object (seed %i)',
    (seed) => {
      const reader = readerFor(GENERATED_COLUMNS);

      for (const row of rowsToCompare(seed)) {
        const read = reader.read(cellsOf(row));
        const parsed = taskInputSchema.safeParse(toTaskBody(row).task);

        expect({ row, ok: read.ok }).toEqual({ row, ok: parsed.success });
        if (read.ok) expect(read.task).toEqual(parsed.data);
      }
    },
  );

  it('tells apart agents whose identifiers would run together', () => {
    const reader = readerFor(['external_id', 'agent_external_id', 'agent_email', 'completed_at']);

    // Both agents' identifiers read 'E-1a@example.com' when put one after the other.
    const first = reader.read(['T-1', 'E-1', 'a@example.com', '2026-05-12T14:32:00Z']);
    const second = reader.read(['T-2', 'E-1a', '@example.com', '2026-05-12T14:32:00Z']);

    expect(first).toMatchObject({ ok: true, task: { agent: { external_id: 'E-1' } } });
    expect(second).toMatchObject({ ok: false, error: { code: 'invalid_agent_email' } });
  });

  it('refuses an agent it has refused before with the same error', () => {
    const reader = readerFor(['external_id', 'agent_email', 'completed_at']);

    const first = reader.read(['T-1', 'not-an-email', '2026-05-12T14:32:00Z']);
    const second = reader.read(['T-2', 'not-an-email', '2026-05-12T14:32:00Z']);

    expect(first).toMatchObject({ ok: false, error: { code: 'invalid_agent_email' } });
    expect(second).toEqual(first);
  });

  it('names every refused field of a row, in column order, like a POST would', () => {
    const reader = readerFor(['external_id', 'agent_email', 'completed_at', 'custom_note']);

    const read = reader.read(['', 'bad', '2026-05-12T14:32:00', 'x'.repeat(33_000)]);

    expect(read).toEqual({
      ok: false,
      error: {
        code: 'missing_external_id',
        field: 'external_id',
        message:
          'external_id is required; agent_email must be a valid email address; ' +
          'completed_at has no UTC offset, so the instant is ambiguous: add Z or an offset ' +
          'like +02:00; custom_attributes must serialize to at most 32768 bytes of JSON',
      },
    });
  });
});
