/** One CSV row as strings; an empty string is an empty cell, which means "absent". */
export interface GeneratedRow {
  external_id: string;
  agent_external_id: string;
  agent_email: string;
  agent_name: string;
  completed_at: string;
  custom_channel: string;
  custom_note: string;
}

export const GENERATED_COLUMNS: (keyof GeneratedRow)[] = [
  'external_id',
  'agent_external_id',
  'agent_email',
  'agent_name',
  'completed_at',
  'custom_channel',
  'custom_note',
];

/** A small deterministic PRNG (mulberry32), so a failing case can be replayed by its seed. */
export function randomSource(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (max: number) => Math.floor(next() * max),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    chance: (probability: number) => next() < probability,
  };
}

const INVALID_TIMESTAMPS = [
  '2026-02-30T10:00:00Z',
  '2026-05-12T10:00:00',
  'soon',
  '2026-13-01T00:00:00Z',
];
const OFFSETS = ['Z', '+02:00', '-05:30', '+00:00'];
const NOTES = [
  'plain',
  'with, comma',
  'with "quotes"',
  'two\nlines',
  'ünïcödé ✓',
  '=SUM(A1:A2)',
  ' padded ',
];

/**
 * Rows that mix everything the rules care about: repeated task ids (later rows win), agents
 * named by external id, by email in any case, by both, with and without names, agents that
 * gain an identifier later, and invalid rows of several kinds.
 */
export function generateRows(seed: number, count: number): GeneratedRow[] {
  const random = randomSource(seed);
  const agents = Array.from({ length: 15 }, (_, index) => ({
    externalId: `EMP-${index}`,
    email: `agent${index}@example.com`,
    name: `Agent ${index}`,
  }));

  return Array.from({ length: count }, (): GeneratedRow => {
    const agent = random.pick(agents);
    const identified = random.pick([
      'external_id',
      'email',
      'both',
      'both',
      'email_upper',
    ] as const);
    const day = String(1 + random.int(28)).padStart(2, '0');
    const row: GeneratedRow = {
      external_id: `T-${random.int(Math.ceil(count / 3))}`,
      agent_external_id:
        identified === 'external_id' || identified === 'both' ? agent.externalId : '',
      agent_email:
        identified === 'email' || identified === 'both'
          ? agent.email
          : identified === 'email_upper'
            ? agent.email.toUpperCase()
            : '',
      agent_name: random.chance(0.5) ? `${agent.name}${random.chance(0.2) ? ' Jr.' : ''}` : '',
      completed_at: `2026-05-${day}T${String(random.int(24)).padStart(2, '0')}:30:00${random.pick(OFFSETS)}`,
      custom_channel: random.chance(0.7) ? random.pick(['email', 'phone', 'chat']) : '',
      custom_note: random.chance(0.5) ? random.pick(NOTES) : '',
    };
    return random.chance(0.1) ? spoil(row, random) : row;
  });
}

function spoil(row: GeneratedRow, random: ReturnType<typeof randomSource>): GeneratedRow {
  switch (random.int(4)) {
    case 0:
      return { ...row, completed_at: random.pick(INVALID_TIMESTAMPS) };
    case 1:
      return { ...row, agent_email: 'not-an-email', agent_external_id: '' };
    case 2:
      return { ...row, external_id: '  ' };
    default:
      return { ...row, agent_external_id: '', agent_email: '' };
  }
}

/** The rows as a CSV file, quoting what needs it, with CRLF line ends. */
export function toCsv(rows: GeneratedRow[]): string {
  const quote = (cell: string) => (/[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);
  const lines = [
    GENERATED_COLUMNS.join(','),
    ...rows.map((row) => GENERATED_COLUMNS.map((column) => quote(row[column])).join(',')),
  ];
  return `${lines.join('\r\n')}\r\n`;
}

/** The same row as the body of POST /tasks: empty cells left out, custom cells as text. */
export function toTaskBody(row: GeneratedRow) {
  const present = (value: string) => (value === '' ? undefined : value);
  const customAttributes = Object.fromEntries(
    (['channel', 'note'] as const).flatMap((key) => {
      const value = row[`custom_${key}`];
      return value === '' ? [] : [[key, value]];
    }),
  );
  return {
    task: {
      external_id: present(row.external_id),
      agent: {
        external_id: present(row.agent_external_id),
        email: present(row.agent_email),
        name: present(row.agent_name),
      },
      completed_at: present(row.completed_at),
      custom_attributes: customAttributes,
    },
  };
}
