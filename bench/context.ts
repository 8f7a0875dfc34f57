import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { DevServer } from './dev-server.ts';
import type { Options } from './options.ts';
import { Scratch } from './state.ts';
import { PROJECT_ROOT } from './wrangler.ts';

/** The service's own configuration, and the reference Workers'. */
export const SERVICE_CONFIG = 'wrangler.toml';
export const RAW_D1_CONFIG = 'bench/reference/raw-d1.toml';
export const MINIMAL_CONFIG = 'bench/reference/minimal.toml';

/** Logs and partial reports: kept after the run, ignored by git. */
export const OUT_DIR = join(PROJECT_ROOT, 'bench', 'out');

export interface Served {
  server: DevServer;
  /** A key of the organization in the server's state (null for a reference without keys). */
  apiKey: string | null;
}

export function logFile(label: string): string {
  return join(OUT_DIR, `${label}.log`);
}

/** What every benchmark shares: the options and the scratch space its servers run in. */
export class RunContext {
  readonly options: Options;
  readonly scratch = new Scratch();

  constructor(options: Options) {
    this.options = options;
    mkdirSync(OUT_DIR, { recursive: true });
  }

  /** The service on fresh state, with an API key and the run's `--var` overrides. */
  serveService(label: string, config = SERVICE_CONFIG, vars = this.options.serviceVars) {
    return this.serve(config, label, { withApiKey: true, vars, template: 'service' });
  }

  /** A reference Worker on fresh state, with its configuration's own variables. */
  serveReference(config: string, label: string) {
    return this.serve(config, label, { withApiKey: false, vars: {}, template: config });
  }

  /**
   * Starts `wrangler dev` of a configuration on fresh state (its migrations applied), its
   * output in bench/out/<label>.log.
   */
  private async serve(
    config: string,
    label: string,
    setup: { withApiKey: boolean; vars: Record<string, string>; template: string },
  ): Promise<Served> {
    const template = await this.scratch.template(config, setup.withApiKey, setup.template);
    const server = await DevServer.start({
      config,
      persistTo: this.scratch.freshState(template),
      vars: setup.vars,
      logFile: logFile(label),
    });
    return { server, apiKey: template.apiKey };
  }
}
