import type { CpuProfile } from './cpu-profile.ts';

/** One result line: `bench <name>: <value> <unit> (<ratio>x <reference>)`. */
export interface BenchLine {
  name: string;
  value: number;
  unit: string;
  ratio: number;
  reference: string;
}

export interface Target {
  text: string;
  met: boolean;
}

export interface Table {
  /** A line above the table, saying what it shows; empty for the main one. */
  caption: string;
  header: string[];
  rows: (string | number)[][];
}

/** One benchmark's results: its tables for BENCHMARKS.md, its lines and targets. */
export interface Section {
  title: string;
  /** What was measured and how, in a sentence or two. */
  method: string;
  tables: Table[];
  notes: string[];
  targets: Target[];
  lines: BenchLine[];
}

export function formatLine(line: BenchLine): string {
  const value = `${formatNumber(line.value)} ${line.unit}`;
  return `bench ${line.name}: ${value} (${line.ratio.toFixed(2)}x ${line.reference})`;
}

/** Integers above 100 without decimals, smaller values with up to three significant digits. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return String(Math.round(value));
  return String(Number(value.toPrecision(3)));
}

export function ratio(value: number, reference: number): number {
  return reference === 0 ? Number.NaN : value / reference;
}

export function formatRatio(value: number, reference: number): string {
  return `${ratio(value, reference).toFixed(2)}x`;
}

export function megabytes(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}

export function seconds(milliseconds: number): string {
  return (milliseconds / 1000).toFixed(2);
}

/** A Markdown table, columns padded so that the source reads as a table too. */
export function markdownTable(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((row) => row.map(String))];
  const widths = header.map((_, column) =>
    Math.max(3, ...cells.map((row) => (row[column] ?? '').length)),
  );
  const line = (row: string[]) =>
    `| ${row.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
  return [
    line(cells[0]!),
    line(widths.map((width) => '-'.repeat(width))),
    ...cells.slice(1).map(line),
  ].join('\n');
}

/** The hottest functions of a CPU profile, as a table. */
export function profileTable(caption: string, profile: CpuProfile): Table {
  return {
    caption:
      `${caption} Sampled busy time ${seconds(profile.busyMs)} s, idle ` +
      `${seconds(profile.idleMs)} s (the D1 simulator's work counts as idle here).`,
    header: ['function (source)', 'self ms', 'share of busy time'],
    rows: profile.hottest.map((hot) => [
      hot.name.replace(/\|/g, '\\|'),
      Math.round(hot.selfMs),
      `${(hot.share * 100).toFixed(1)}%`,
    ]),
  };
}
