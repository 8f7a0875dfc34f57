import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';

/** Generated files are kept between runs here; the version changes when the rows do. */
export const CSV_CACHE_DIR = join(tmpdir(), 'tasks-ingest-bench-cache');
const GENERATOR_VERSION = 1;

export const AGENT_COUNT = 500;

export const CSV_COLUMNS = [
  'external_id',
  'agent_external_id',
  'agent_email',
  'agent_name',
  'completed_at',
  'custom_task_type',
  'custom_risk_score',
  'custom_note',
] as const;

/** One generated task row, with the values the service should end up storing. */
export interface BenchRow {
  externalId: string;
  agent: number;
  cells: string[];
  /** `completed_at` as stored: UTC with milliseconds. */
  completedAtUtc: string;
  /** `custom_attributes` as stored: the JSON text of the non-empty custom cells. */
  customAttributes: string;
}

export interface Agent {
  externalId: string;
  email: string;
  name: string;
}

const TASK_TYPES = ['fraud_review', 'kyc_review', 'payment_dispute', 'chargeback'];
const FIRST_COMPLETED_AT = Date.UTC(2026, 4, 1, 8, 0, 0);

/** Agent k of the data set; a third of the names hold a comma, so they are quoted. */
export function agentOf(k: number): Agent {
  return {
    externalId: `EMP-${1000 + k}`,
    email: `agent.${k}@example.com`,
    name: k % 3 === 0 ? `Smith, Alex ${k}` : `Alex Smith ${k}`,
  };
}

/**
 * Deterministic rows with unique task ids. The first row of each agent names it by both
 * identifiers (so that there are exactly AGENT_COUNT employees); later rows name it by
 * external id, by email (sometimes upper-cased) or by both. Timestamps use `Z`, offsets and
 * a space; notes hold commas and quotes.
 */
export function* generateRows(count: number, seed = 1): Generator<BenchRow> {
  const random = mulberry32(seed);
  for (let i = 0; i < count; i++) {
    const agentIndex = i < AGENT_COUNT ? i : Math.floor(random() * AGENT_COUNT);
    const agent = agentOf(agentIndex);
    const naming = i < AGENT_COUNT ? 1 : random();
    const byExternalId = naming < 0.3 || naming >= 0.6;
    const byEmail = naming >= 0.3;
    const email = random() < 0.25 ? agent.email.toUpperCase() : agent.email;

    const instant = FIRST_COMPLETED_AT + i * 37_000;
    const taskType = TASK_TYPES[i % TASK_TYPES.length]!;
    const riskScore = String(Math.floor(random() * 101));
    const note = noteFor(i, random());
    const custom = { task_type: taskType, risk_score: riskScore, ...(note ? { note } : {}) };

    const externalId = `TASK-${String(i).padStart(8, '0')}`;
    yield {
      externalId,
      agent: agentIndex,
      cells: [
        externalId,
        byExternalId ? agent.externalId : '',
        byEmail ? email : '',
        agent.name,
        formatCompletedAt(instant, i % 3),
        taskType,
        riskScore,
        note,
      ],
      completedAtUtc: new Date(instant).toISOString(),
      customAttributes: JSON.stringify(custom),
    };
  }
}

export interface CsvFile {
  path: string;
  rows: number;
  bytes: number;
}

/** The CSV of `rows` generated rows, written once and then taken from the cache. */
export async function csvWithRows(rows: number): Promise<CsvFile> {
  const path = join(CSV_CACHE_DIR, `tasks-v${GENERATOR_VERSION}-${rows}-rows.csv`);
  if (!existsSync(path)) await writeCsv(path, rows, Infinity);
  return { path, rows, bytes: statSync(path).size };
}

/** A CSV of at least `bytes` bytes (its last row crosses the mark), cached like the others. */
export async function csvOfSize(bytes: number): Promise<CsvFile> {
  const path = join(CSV_CACHE_DIR, `tasks-v${GENERATOR_VERSION}-${bytes}-bytes.csv`);
  const rows = existsSync(path) ? countRows(path) : await writeCsv(path, Infinity, bytes);
  return { path, rows, bytes: statSync(path).size };
}

/** Writes to a temporary name, then renames: an interrupted run leaves no half file cached. */
async function writeCsv(path: string, maxRows: number, minBytes: number): Promise<number> {
  mkdirSync(CSV_CACHE_DIR, { recursive: true });
  const partial = `${path}.${process.pid}.partial`;
  const out = createWriteStream(partial);

  let text = `${CSV_COLUMNS.join(',')}\r\n`;
  let bytes = 0;
  let rows = 0;
  for (const row of generateRows(maxRows)) {
    text += `${row.cells.map(escapeCell).join(',')}\r\n`;
    rows++;
    if (text.length < 1 << 20 && bytes + text.length < minBytes) continue;

    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    text = '';
    if (bytes >= minBytes) break;
  }
  out.end(text);
  await finished(out);
  renameSync(partial, path);
  return rows;
}

/** Data rows of a generated file: no generated cell holds a line break, the header is one. */
function countRows(path: string): number {
  const bytes = readFileSync(path);
  let lines = 0;
  for (let at = bytes.indexOf(10); at !== -1; at = bytes.indexOf(10, at + 1)) lines++;
  return lines - 1;
}

function escapeCell(cell: string): string {
  return /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

function noteFor(i: number, draw: number): string {
  if (draw < 0.25) return '';
  if (draw < 0.5) return `Reviewed case ${i}, escalated to tier 2`;
  if (draw < 0.75) return `Customer wrote "refund, please" on ticket ${i}`;
  return 'ok';
}

/** `Z` with `T`, `+02:00` with `T`, or `-05:30` with a space: the same instant each time. */
function formatCompletedAt(instant: number, variant: number): string {
  const [offsetText, offsetMinutes] = [
    ['Z', 0],
    ['+02:00', 120],
    ['-05:30', -330],
  ][variant] as [string, number];
  const local = new Date(instant + offsetMinutes * 60_000).toISOString().slice(0, 19);
  return `${variant === 2 ? local.replace('T', ' ') : local}${offsetText}`;
}

/** mulberry32: a small seeded PRNG, so every run generates the same file. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
