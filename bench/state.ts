import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { applyMigrations, createApiKey } from './provision.ts';
import { PROJECT_ROOT } from './wrangler.ts';

/** Local state (D1, R2, queues) prepared once per configuration, copied for each server. */
export interface StateTemplate {
  config: string;
  dir: string;
  apiKey: string | null;
}

/**
 * The run's scratch directory: state templates, a fresh state directory per server, logs.
 * `remove()` deletes all of it.
 */
export class Scratch {
  readonly root = mkdtempSync(join(tmpdir(), 'tasks-ingest-bench-'));
  private readonly templates = new Map<string, StateTemplate>();
  private count = 0;

  /**
   * Migrations applied (and, with `withApiKey`, an organization and key created) once; wrangler
   * takes a few seconds for each, so every later server starts from a copy. Configurations
   * of the same database (the service and its instrumented copy) share a template by `name`.
   */
  async template(config: string, withApiKey: boolean, name = config): Promise<StateTemplate> {
    const known = this.templates.get(name);
    if (known) return known;

    const dir = this.directory(`template-${this.templates.size}`);
    if (hasDatabase(config)) applyMigrations(config, dir);
    const apiKey = withApiKey ? await createApiKey(config, dir) : null;
    const template = { config, dir, apiKey };
    this.templates.set(name, template);
    return template;
  }

  /** A new state directory holding a copy of the template. */
  freshState(template: StateTemplate): string {
    const dir = this.directory(`state-${++this.count}`);
    cpSync(template.dir, dir, { recursive: true });
    return dir;
  }

  /** A new empty directory inside the scratch directory. */
  directory(name: string): string {
    const dir = join(this.root, name);
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

function hasDatabase(config: string): boolean {
  return readFileSync(join(PROJECT_ROOT, config), 'utf8').includes('[[d1_databases]]');
}
