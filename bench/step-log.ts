import { readFileSync } from 'node:fs';
import { z } from 'zod';

const stepLineSchema = z.object({
  message: z.literal('upload step'),
  upload_id: z.string(),
  kind: z.string(),
  rows: z.number().optional(),
  duration_ms: z.number(),
});

export interface StepSummary {
  steps: number;
  /** Sum of the consumer's own step durations: processing without queue hand-overs. */
  consumerMs: number;
}

/** The consumer's `upload step` log lines of one upload, from a server's log file. */
export function summarizeSteps(logFile: string, uploadId: string): StepSummary {
  let steps = 0;
  let consumerMs = 0;
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    const json = line.slice(line.indexOf('{'));
    if (!json.includes('"upload step"')) continue;

    const parsed = stepLineSchema.safeParse(safeJson(json));
    if (!parsed.success || parsed.data.upload_id !== uploadId) continue;
    steps++;
    consumerMs += parsed.data.duration_ms;
  }
  return { steps, consumerMs };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
