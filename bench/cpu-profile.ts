import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

import { DevTools } from './devtools.ts';
import { PROJECT_ROOT } from './wrangler.ts';

const scriptSchema = z.object({ scriptId: z.string(), url: z.string() });

const profileSchema = z.object({
  profile: z.object({
    nodes: z.array(
      z.object({
        id: z.number(),
        callFrame: z.object({
          functionName: z.string(),
          scriptId: z.string(),
          url: z.string(),
          lineNumber: z.number(),
          columnNumber: z.number(),
        }),
      }),
    ),
    samples: z.array(z.number()),
    timeDeltas: z.array(z.number()),
  }),
});

/** A function's share of the Worker isolate's busy time. */
export interface HotFunction {
  name: string;
  /** Self time, ms, and its share of the time the isolate was not idle. */
  selfMs: number;
  share: number;
}

export interface CpuProfile {
  busyMs: number;
  idleMs: number;
  hottest: HotFunction[];
}

const SAMPLING_INTERVAL_US = 500;

/**
 * Runs `work` under the V8 CPU profiler of the Worker's isolate (through DevTools) and returns
 * the functions with the most self time. Only this isolate's JavaScript is sampled: the local
 * D1 simulator's work shows up as idle time here.
 */
export async function profileWorker<T>(
  inspectorUrl: string,
  work: () => Promise<T>,
  top = 12,
): Promise<{ result: T; profile: CpuProfile }> {
  const devTools = await DevTools.connect(inspectorUrl);
  try {
    const scripts = await scriptUrls(devTools);
    await devTools.call('Profiler.enable');
    await devTools.call('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
    await devTools.call('Profiler.start');
    const result = await work();
    const { profile } = profileSchema.parse(await devTools.call('Profiler.stop'));
    // The bundle's source map is read now: wrangler deletes it when the server stops.
    return { result, profile: summarize(profile, scripts, top) };
  } finally {
    devTools.close();
  }
}

type Profile = z.infer<typeof profileSchema>['profile'];
type CallFrame = Profile['nodes'][number]['callFrame'];

/** The full URL of every script of the isolate (the profile names the bundle `index.js`). */
async function scriptUrls(devTools: DevTools): Promise<Map<string, string>> {
  const urls = new Map<string, string>();
  const stopListening = devTools.on('Debugger.scriptParsed', (params) => {
    const script = scriptSchema.safeParse(params);
    if (script.success) urls.set(script.data.scriptId, script.data.url);
  });
  // Enabling the debugger announces every script already parsed, before it answers.
  await devTools.call('Debugger.enable');
  await devTools.call('Debugger.disable');
  stopListening();
  return urls;
}

function summarize(profile: Profile, scripts: Map<string, string>, top: number): CpuProfile {
  const locate = sourceLocator(scripts);
  const nameOf = new Map(
    profile.nodes.map(({ id, callFrame }) => {
      const name = callFrame.functionName || '(anonymous)';
      const where = locate(callFrame);
      return [id, where ? `${name} (${where})` : name];
    }),
  );

  const selfUs = new Map<string, number>();
  profile.samples.forEach((node, index) => {
    const name = nameOf.get(node) ?? '(unknown)';
    selfUs.set(name, (selfUs.get(name) ?? 0) + (profile.timeDeltas[index] ?? 0));
  });

  const idleUs = selfUs.get('(idle)') ?? 0;
  selfUs.delete('(idle)');
  const busyUs = [...selfUs.values()].reduce((total, us) => total + us, 0);
  const hottest = [...selfUs]
    .sort(([, a], [, b]) => b - a)
    .slice(0, top)
    .map(([name, us]) => ({ name, selfMs: us / 1000, share: us / busyUs }));
  return { busyMs: busyUs / 1000, idleMs: idleUs / 1000, hottest };
}

/**
 * Where a frame of the bundle comes from: `src/...ts:line` through the bundle's source map,
 * the package for a dependency, or the runtime's own module (`cloudflare-internal:d1-api`).
 */
function sourceLocator(scripts: Map<string, string>): (frame: CallFrame) => string {
  const maps = new Map<string, SourceMap | null>();
  const mapOf = (url: string) => {
    if (!maps.has(url)) {
      const path = `${fileURLToPath(url)}.map`;
      maps.set(
        url,
        existsSync(path) ? new SourceMap(JSON.parse(readFileSync(path, 'utf8'))) : null,
      );
    }
    return maps.get(url)!;
  };

  return (frame) => {
    const url = scripts.get(frame.scriptId) ?? frame.url;
    if (!url) return '';
    if (!url.startsWith('file://')) return url;
    const entry = mapOf(url)?.findEntry(frame.lineNumber, frame.columnNumber);
    if (!entry || !('originalSource' in entry)) return 'bundle';

    const source = entry.originalSource.startsWith('file://')
      ? relative(PROJECT_ROOT, fileURLToPath(entry.originalSource))
      : entry.originalSource.replace(/^(\.\.\/)+/, '');
    const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source);
    return dependency ? dependency[1]! : `${source}:${entry.originalLine + 1}`;
  };
}
