import { z } from 'zod';

import { sleep } from './dev-server.ts';
import { DevTools } from './devtools.ts';

const heapUsageSchema = z.object({ usedSize: z.number(), totalSize: z.number() });

const REPLY_TIMEOUT_MS = 2_000;

export interface HeapSample {
  /** Epoch ms, comparable with the server's timestamps on the same machine. */
  at: number;
  /** Live V8 heap of the Worker's isolate right after a full garbage collection. */
  liveBytes: number;
  /** The heap V8 holds for the isolate then, live or not (its committed size). */
  heldBytes: number;
}

/**
 * Samples the live V8 heap of the Worker's own isolate through DevTools: a full garbage
 * collection (`HeapProfiler.collectGarbage`), then `Runtime.getHeapUsage`, one pair at a
 * time, every `intervalMs`. The local D1, R2 and queue simulators live in other isolates of
 * the same workerd process: they are not counted.
 */
export class HeapSampler {
  readonly samples: HeapSample[] = [];
  private readonly devTools: DevTools;
  private running = false;
  private loop: Promise<void> = Promise.resolve();

  private constructor(devTools: DevTools) {
    this.devTools = devTools;
  }

  static async connect(inspectorUrl: string): Promise<HeapSampler> {
    return new HeapSampler(await DevTools.connect(inspectorUrl));
  }

  start(intervalMs: number): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        const sample = await Promise.race([this.sample(), sleep(REPLY_TIMEOUT_MS)]);
        if (sample) this.samples.push(sample);
        await sleep(intervalMs);
      }
    })();
  }

  async stop(): Promise<HeapSample[]> {
    this.running = false;
    await this.loop;
    this.devTools.close();
    return this.samples;
  }

  private async sample(): Promise<HeapSample> {
    await this.devTools.call('HeapProfiler.collectGarbage');
    const usage = heapUsageSchema.parse(await this.devTools.call('Runtime.getHeapUsage'));
    return { at: Date.now(), liveBytes: usage.usedSize, heldBytes: usage.totalSize };
  }
}
