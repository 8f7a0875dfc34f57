import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

import { recordCommand } from './commands.ts';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Wrangler's entry script, run by this very Node (22): wrangler refuses older ones. */
export const WRANGLER_JS = join(PROJECT_ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js');

/** Environment for every wrangler child: no telemetry, no prompts, no colours. */
export const WRANGLER_ENV = {
  ...process.env,
  WRANGLER_SEND_METRICS: 'false',
  CI: '1',
  NO_COLOR: '1',
  FORCE_COLOR: '0',
};

/**
 * Runs a wrangler command to completion and returns its stdout. Stdin is detached, so
 * wrangler takes its defaults instead of asking; a failure throws with wrangler's output.
 */
export function runWrangler(args: string[]): string {
  recordCommand([process.execPath, WRANGLER_JS, ...args]);
  const result = spawnSync(process.execPath, [WRANGLER_JS, ...args], {
    cwd: PROJECT_ROOT,
    env: WRANGLER_ENV,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
    throw new Error(`wrangler ${args.slice(0, 3).join(' ')} failed:\n${output}`);
  }
  return result.stdout;
}

/** `wrangler --version`, e.g. `4.164.0`. */
export function wranglerVersion(): string {
  return runWrangler(['--version']).trim().split('\n').at(-1)!.trim();
}
