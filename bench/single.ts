import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { recordCommand } from './commands.ts';
import { profileWorker } from './cpu-profile.ts';
import { cpuBetween } from './dev-server.ts';
import { MINIMAL_CONFIG, SERVICE_CONFIG, type RunContext, type Served } from './context.ts';
import { instrumentedConfig, readStats, resetStats } from './diagnose.ts';
import type { LoadResult } from './load.ts';
import type { Section } from './report.ts';
import { emptyThroughput, singleSection, type Throughput } from './single-report.ts';
import { PROJECT_ROOT } from './wrangler.ts';

/** One thing to load: a server, and the path its requests go to. */
interface Target {
  served: Served;
  path: string;
}

/**
 * Single tasks: POST /tasks under a fixed number of connections from a separate process,
 * against the service (also with a log line for every request, REQUEST_LOG=all) and against
 * a minimal Worker (zod + one D1 upsert), all under
 * `wrangler dev`, in alternating rounds of equal length after a warm-up. The minimal Worker
 * is also loaded with a read batch before its upsert, to price a second D1 round trip alone;
 * then one more round against the instrumented service, under the CPU profiler, counts its
 * D1 round trips.
 */
export async function runSingle(context: RunContext): Promise<Section> {
  const { connections, seconds, rounds, warmupSeconds } = context.options.sizes.single;
  const measured = {
    service: emptyThroughput(),
    logAll: emptyThroughput(),
    reference: emptyThroughput(),
    readFirst: emptyThroughput(),
  };
  const servers: Served[] = [];
  try {
    const service = await context.serveService('single-service');
    servers.push(service);
    // The same service writing a log line for every request, not only for problems.
    const logAll = await context.serveService('single-service-log-all', SERVICE_CONFIG, {
      ...context.options.serviceVars,
      REQUEST_LOG: 'all',
    });
    servers.push(logAll);
    const reference = await context.serveReference(MINIMAL_CONFIG, 'single-minimal');
    servers.push(reference);
    const targets: Record<keyof typeof measured, Target> = {
      service: { served: service, path: '/tasks' },
      logAll: { served: logAll, path: '/tasks' },
      reference: { served: reference, path: '/tasks' },
      readFirst: { served: reference, path: '/tasks?read_first=1' },
    };

    for (const [name, target] of Object.entries(targets)) {
      await load(target, connections, warmupSeconds, `WARM-${name}`);
    }
    for (let round = 0; round < rounds; round++) {
      for (const [name, target] of Object.entries(targets)) {
        const into = measured[name as keyof typeof measured];
        await measure(into, target.served, () =>
          load(target, connections, seconds, `R${round}-${name}`),
        );
      }
    }
    await Promise.all(servers.splice(0).map(({ server }) => server.stop()));

    const instrumented = await context.serveService('single-instrumented', instrumentedConfig());
    servers.push(instrumented);
    const target = { served: instrumented, path: '/tasks' };
    await load(target, connections, warmupSeconds, 'WARM-instrumented');
    await resetStats(instrumented.server.url);
    const { profile } = await profileWorker(instrumented.server.inspectorUrl, () =>
      load(target, connections, seconds, 'INSTRUMENTED'),
    );
    const { fetch: perRequest } = await readStats(instrumented.server.url);

    return singleSection(context.options.sizes.single, measured, perRequest, profile);
  } finally {
    await Promise.all(servers.map(({ server }) => server.stop()));
  }
}

/** Runs one round, adding its requests, time, and the server's CPU time to `into`. */
async function measure(into: Throughput, target: Served, round: () => Promise<LoadResult>) {
  const before = target.server.cpuMs();
  const result = await round();
  const cpu = cpuBetween(before, target.server.cpuMs());

  into.durationMs += result.durationMs;
  into.cpu.runtime += cpu.runtime;
  into.cpu.runtimeMainThread += cpu.runtimeMainThread;
  into.cpu.proxy += cpu.proxy;
  into.cpu.wrangler += cpu.wrangler;
  into.loadCpuMs += result.cpuMs;
  into.latenciesMs.push(...result.latenciesMs);
  for (const [status, count] of Object.entries(result.statuses)) {
    into.statuses[status] = (into.statuses[status] ?? 0) + count;
    into.requests += count;
    if (status.startsWith('2')) into.successes += count;
  }
}

async function load(target: Target, connections: number, seconds: number, prefix: string) {
  const args = [
    join(PROJECT_ROOT, 'bench', 'load.ts'),
    `--url=${target.served.server.url}`,
    `--path=${target.path}`,
    `--connections=${connections}`,
    `--seconds=${seconds}`,
  ];
  recordCommand([process.execPath, ...args, '--key=<api key>', '--prefix=<round>']);

  const { stdout } = await promisify(execFile)(
    process.execPath,
    [...args, `--key=${target.served.apiKey ?? ''}`, `--prefix=${prefix}`],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return JSON.parse(stdout) as LoadResult;
}
