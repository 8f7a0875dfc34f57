// `npm run bench` / `npm run bench:quick`: bulk ingestion, single tasks and memory, each
// beside a reference measured in the same run. See bench/README.md.

import { join } from 'node:path';

import { writeReport, type Report } from './benchmarks-md.ts';
import { runBulk } from './bulk.ts';
import { placeholder, recordedCommands } from './commands.ts';
import { OUT_DIR, RunContext } from './context.ts';
import { stopAllServers } from './dev-server.ts';
import { describeEnvironment, loadAverage } from './environment.ts';
import { CSV_CACHE_DIR } from './generate-csv.ts';
import { runMemory } from './memory.ts';
import { parseOptions, USAGE, type BenchmarkName, type Options } from './options.ts';
import { formatLine, type Section } from './report.ts';
import { runSingle } from './single.ts';
import { PROJECT_ROOT, WRANGLER_JS } from './wrangler.ts';

const RUNNERS: Record<BenchmarkName, (context: RunContext) => Promise<Section>> = {
  bulk: runBulk,
  single: runSingle,
  memory: runMemory,
};

async function main(args: string[]): Promise<number> {
  const options = parseOptions(args);
  if (!options) {
    process.stdout.write(USAGE);
    return 0;
  }

  const context = new RunContext(options);
  const interrupted = () =>
    void stopAllServers().finally(() => {
      context.scratch.remove();
      process.exit(130);
    });
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  for (const [path, name] of [
    [`${process.execPath} ${WRANGLER_JS}`, 'npx wrangler'],
    [process.execPath, 'node'],
    [context.scratch.root, '$BENCH_TMP'],
    [CSV_CACHE_DIR, '$CSV_CACHE'],
    [`${PROJECT_ROOT}/`, ''],
  ]) {
    placeholder(path!, name!);
  }

  const startedAt = new Date();
  const environment = describeEnvironment();
  const sections: Section[] = [];
  const load: Report['load'] = [];
  try {
    for (const name of options.only) {
      log(`${name}: running`);
      const before = loadAverage();
      const section = await RUNNERS[name](context);
      load.push({ name, before, after: loadAverage() });
      sections.push(section);
      for (const line of section.lines) log(formatLine(line));
    }
  } finally {
    await stopAllServers();
    context.scratch.remove();
  }

  const path = reportPath(options);
  writeReport(path, {
    mode: options.quick ? 'quick' : options.writesBenchmarksMd ? 'full' : 'partial',
    invocation: ['node bench/run.ts', ...args].join(' '),
    startedAt,
    finishedAt: new Date(),
    environment,
    load,
    sections,
    commands: recordedCommands(),
  });
  log(`report written to ${path.replace(`${PROJECT_ROOT}/`, '')}`);

  for (const line of sections.flatMap((section) => section.lines)) console.log(formatLine(line));
  return 0;
}

/** Only a complete full run rewrites BENCHMARKS.md; the others write beside the logs. */
function reportPath(options: Options): string {
  if (options.writesBenchmarksMd) return join(PROJECT_ROOT, 'BENCHMARKS.md');
  return join(OUT_DIR, options.quick ? 'BENCHMARKS.quick.md' : 'BENCHMARKS.partial.md');
}

function log(message: string): void {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

process.exitCode = await main(process.argv.slice(2));
