import type { DevServer } from './dev-server.ts';
import { memoryOf } from './proc.ts';

export interface ProcessPeak {
  role: 'dev proxy' | 'runtime';
  baselineBytes: number;
  peakBytes: number;
  /** VmHWM when sampling stopped: the highest RSS since the process started. */
  highWaterBytes: number;
}

export interface RssPeak {
  /** Sums over the server's workerd processes. */
  baselineBytes: number;
  peakBytes: number;
  processes: ProcessPeak[];
  samples: number;
}

/**
 * Samples VmRSS of every workerd process of a dev server from /proc: the baseline when
 * created, then every `intervalMs` until stopped, keeping the peak of their sum and of each.
 */
export class RssSampler {
  private readonly pids: number[];
  private readonly proxyPid: number | null;
  private readonly baseline: Map<number, number>;
  private readonly peaks: Map<number, number>;
  private peakSum: number;
  private samples = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(server: DevServer) {
    this.pids = server.workerdPids();
    this.proxyPid = server.proxyPid();
    this.baseline = new Map(this.pids.map((pid) => [pid, rss(pid)]));
    this.peaks = new Map(this.baseline);
    this.peakSum = sum([...this.baseline.values()]);
  }

  start(intervalMs: number): void {
    this.timer = setInterval(() => {
      const now = this.pids.map((pid) => [pid, rss(pid)] as const);
      for (const [pid, bytes] of now) this.peaks.set(pid, Math.max(this.peaks.get(pid)!, bytes));
      this.peakSum = Math.max(this.peakSum, sum(now.map(([, bytes]) => bytes)));
      this.samples++;
    }, intervalMs);
  }

  stop(): RssPeak {
    clearInterval(this.timer);
    return {
      baselineBytes: sum([...this.baseline.values()]),
      peakBytes: this.peakSum,
      samples: this.samples,
      processes: this.pids.map((pid) => ({
        role: pid === this.proxyPid ? 'dev proxy' : 'runtime',
        baselineBytes: this.baseline.get(pid)!,
        peakBytes: this.peaks.get(pid)!,
        highWaterBytes: memoryOf(pid)?.peakRssBytes ?? 0,
      })),
    };
  }
}

function rss(pid: number): number {
  return memoryOf(pid)?.rssBytes ?? 0;
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
