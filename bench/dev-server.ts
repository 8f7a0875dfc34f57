import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

import { recordCommand } from './commands.ts';
import {
  cpuMsOf,
  mainThreadCpuMsOf,
  namedProcesses,
  pidListeningOn,
  processTree,
  startTimeOf,
} from './proc.ts';
import { PROJECT_ROOT, WRANGLER_ENV, WRANGLER_JS } from './wrangler.ts';

export interface DevServerOptions {
  /** The wrangler configuration to serve, relative to the project root. */
  config: string;
  /** Local state (D1, R2, queues) of this server alone. */
  persistTo: string;
  /** Overrides of the configuration's [vars], passed as `--var NAME:value`. */
  vars?: Record<string, string>;
  /** Where wrangler's and the Worker's output goes. */
  logFile: string;
}

const STARTUP_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 10_000;

export interface ServerCpu {
  runtime: number;
  runtimeMainThread: number;
  proxy: number;
  wrangler: number;
}

/** The CPU time used between two readings of `cpuMs()`. */
export function cpuBetween(before: ServerCpu, after: ServerCpu): ServerCpu {
  return {
    runtime: after.runtime - before.runtime,
    runtimeMainThread: after.runtimeMainThread - before.runtimeMainThread,
    proxy: after.proxy - before.proxy,
    wrangler: after.wrangler - before.wrangler,
  };
}

/** Servers still running, so that an interrupted run can stop them all. */
const running = new Set<DevServer>();

/**
 * `wrangler dev` in its own process group, with its own state and ports. `stop()` ends the
 * whole group (wrangler, workerd, esbuild), so that nothing outlives a run.
 */
export class DevServer {
  readonly url: string;
  /** Wrangler's DevTools proxy to the Worker's isolate. */
  readonly inspectorUrl: string;
  private readonly child: ChildProcess;
  private readonly logFile: string;

  private constructor(child: ChildProcess, ports: [number, number], logFile: string) {
    this.child = child;
    this.url = `http://127.0.0.1:${ports[0]}`;
    this.inspectorUrl = `http://127.0.0.1:${ports[1]}`;
    this.logFile = logFile;
  }

  static async start(options: DevServerOptions): Promise<DevServer> {
    const [port, inspectorPort] = [await freePort(), await freePort()];
    const vars = Object.entries(options.vars ?? {}).flatMap(([name, value]) => [
      '--var',
      `${name}:${value}`,
    ]);
    const argv = [
      process.execPath,
      WRANGLER_JS,
      'dev',
      '--config',
      options.config,
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--inspector-port',
      String(inspectorPort),
      '--persist-to',
      options.persistTo,
      '--show-interactive-dev-session=false',
      ...vars,
    ];
    recordCommand(argv);
    const log = openSync(options.logFile, 'w');
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: PROJECT_ROOT,
      env: WRANGLER_ENV,
      stdio: ['ignore', log, log],
      detached: true,
    });
    closeSync(log);

    const server = new DevServer(child, [port, inspectorPort], options.logFile);
    running.add(server);
    try {
      await server.waitUntilHealthy();
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  /** Every workerd process this server runs: the Workers runtime whose memory counts. */
  workerdPids(): number[] {
    return this.child.pid === undefined ? [] : namedProcesses(this.child.pid, 'workerd');
  }

  /** The workerd process that listens on the server's port: wrangler's dev proxy. */
  proxyPid(): number | null {
    return pidListeningOn(Number(new URL(this.url).port), this.workerdPids());
  }

  /**
   * CPU time used so far, in ms: the runtime (the workerd process that is not the proxy) and
   * its main thread, which runs every isolate and the local D1 simulator; the dev proxy (the
   * other workerd process); wrangler's own Node process.
   */
  cpuMs(): ServerCpu {
    const proxy = this.proxyPid();
    const runtime = this.workerdPids().find((pid) => pid !== proxy);
    return {
      runtime: runtime === undefined ? 0 : cpuMsOf(runtime),
      runtimeMainThread: runtime === undefined ? 0 : mainThreadCpuMsOf(runtime),
      proxy: proxy === null ? 0 : cpuMsOf(proxy),
      wrangler: this.child.pid === undefined ? 0 : cpuMsOf(this.child.pid),
    };
  }

  async stop(): Promise<void> {
    running.delete(this);
    const pid = this.child.pid;
    if (pid === undefined) return;

    const tree = processTree(pid).map((member) => ({ pid: member, started: startTimeOf(member) }));
    if (this.child.exitCode === null && this.child.signalCode === null) {
      signalGroup(pid, 'SIGTERM');
      const exited = await Promise.race([
        new Promise<boolean>((resolve) => this.child.once('exit', () => resolve(true))),
        sleep(STOP_TIMEOUT_MS).then(() => false),
      ]);
      if (!exited) signalGroup(pid, 'SIGKILL');
    }
    // A child that left the group (none should) is stopped by its id, if it is still the same.
    for (const member of tree) {
      if (member.started !== null && startTimeOf(member.pid) === member.started) {
        signal(member.pid, 'SIGKILL');
      }
    }
  }

  private async waitUntilHealthy(): Promise<void> {
    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) break;
      // wrangler dev keeps running after a failed build, waiting for a change: give up now.
      if (readFileSync(this.logFile, 'utf8').includes('Build failed')) break;
      const response = await fetch(`${this.url}/health`).catch(() => null);
      if (response?.ok) return;
      await response?.arrayBuffer();
      await sleep(250);
    }
    const tail = readFileSync(this.logFile, 'utf8').split('\n').slice(-30).join('\n');
    throw new Error(`wrangler dev did not become healthy at ${this.url}:\n${tail}`);
  }
}

/** Stops every server still running (on an error or an interrupt). */
export async function stopAllServers(): Promise<void> {
  await Promise.all([...running].map((server) => server.stop()));
}

export function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function signalGroup(pid: number, name: NodeJS.Signals): void {
  signal(-pid, name);
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}
