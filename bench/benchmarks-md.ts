import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Environment } from './environment.ts';
import { formatLine, markdownTable, type Section } from './report.ts';
import { PROJECT_ROOT } from './wrangler.ts';

export interface Report {
  mode: 'full' | 'quick' | 'partial';
  invocation: string;
  startedAt: Date;
  finishedAt: Date;
  environment: Environment;
  /** 1-minute load average before and after each benchmark. */
  load: { name: string; before: string; after: string }[];
  sections: Section[];
  commands: { command: string; times: number }[];
}

/** Writes the report as Markdown, formatted by the project's prettier so that CI accepts it. */
export function writeReport(path: string, report: Report): void {
  writeFileSync(path, renderReport(report));
  const prettier = join(PROJECT_ROOT, 'node_modules', 'prettier', 'bin', 'prettier.cjs');
  const result = spawnSync(process.execPath, [prettier, '--write', path], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`prettier failed on ${path}: ${result.stderr}`);
}

function renderReport(report: Report): string {
  const { environment: env } = report;
  const minutes = (report.finishedAt.getTime() - report.startedAt.getTime()) / 60_000;
  const targets = report.sections.flatMap((section) => section.targets);

  return [
    '# Benchmarks',
    '',
    `Written by \`${report.invocation}\` (${report.mode} run) on ` +
      `${report.startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC, in ` +
      `${minutes.toFixed(1)} minutes. Every figure stands beside a reference measured in the ` +
      'same run: compare the ratios from run to run rather than the absolute numbers, which ' +
      "swing with the machine's load. How the suite works: [bench/README.md](bench/README.md).",
    '',
    '## Results',
    '',
    '```text',
    ...report.sections.flatMap((section) => section.lines.map(formatLine)),
    '```',
    '',
    markdownTable(
      ['target', 'met'],
      targets.map((target) => [target.text, target.met ? 'yes' : '**no**']),
    ),
    '',
    ...report.sections.flatMap(renderSection),
    '## Machine and versions',
    '',
    markdownTable(
      ['', ''],
      [
        ['CPU', `${env.cpuModel}, ${env.cores} cores (nproc)`],
        ['memory', `${env.memoryGb} GiB`],
        ['kernel', env.kernel],
        ['node', env.node],
        ['wrangler', env.wrangler],
        ['workerd', env.workerd],
        ['sqlite3 CLI', env.sqlite3],
        ['node:sqlite', `SQLite ${env.nodeSqlite}`],
        ['commit', env.commit],
        [
          'load average (1 min) before → after',
          report.load.map((entry) => `${entry.name} ${entry.before} → ${entry.after}`).join('; '),
        ],
      ],
    ),
    '',
    '## Commands',
    '',
    'The suite:',
    '',
    '```sh',
    'npm run bench        # this report: 100,000 rows, 15 s rounds, 10 and 100 MB',
    'npm run bench:quick  # tiny sizes, under two minutes (CI): bench/out/BENCHMARKS.quick.md',
    '# one benchmark, with a setting of the service changed: bench/out/BENCHMARKS.partial.md',
    'npm run bench -- --only bulk --var UPLOAD_CHUNK_ROWS:10000',
    '```',
    '',
    'What this run executed (`$BENCH_TMP`: its scratch directory, removed afterwards; ' +
      '`$CSV_CACHE`: the generated files, kept; `×n`: run n times):',
    '',
    '```sh',
    ...report.commands.map(({ command, times }) =>
      times > 1 ? `${command}   # ×${times}` : command,
    ),
    '```',
    '',
  ].join('\n');
}

function renderSection(section: Section): string[] {
  return [
    `## ${section.title}`,
    '',
    section.method,
    '',
    ...section.tables.flatMap((table) => [
      ...(table.caption ? [table.caption, ''] : []),
      markdownTable(table.header, table.rows),
      '',
    ]),
    ...section.notes.flatMap((note) => [note, '']),
  ];
}
