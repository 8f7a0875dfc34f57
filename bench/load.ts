// The load generator of the single-task benchmark, run as its own process so that its CPU
// is not the benchmark's: a fixed number of connections send POST /tasks back to back for
// a fixed time, and it prints every request's latency and status as one JSON object.

import { parseArgs } from 'node:util';

import { AGENT_COUNT, agentOf } from './generate-csv.ts';

export interface LoadResult {
  durationMs: number;
  /** CPU time of this load generator itself. */
  cpuMs: number;
  /** Per request, in completion order. */
  latenciesMs: number[];
  statuses: Record<string, number>;
}

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    key: { type: 'string', default: '' },
    connections: { type: 'string', default: '10' },
    seconds: { type: 'string', default: '5' },
    'repeat-share': { type: 'string', default: '0.5' },
    prefix: { type: 'string', default: 'LOAD' },
    /** The request path, query included. */
    path: { type: 'string', default: '/tasks' },
  },
});

const TASK_TYPES = ['fraud_review', 'kyc_review', 'payment_dispute'];
const sent: { externalId: string; agent: number; riskScore: number }[] = [];
let created = 0;

/**
 * A new task, or (with the repeat share's probability) one sent before: half of the repeats
 * unchanged, half with a new risk score, so that the service sees creates, updates and
 * no-ops.
 */
function nextBody(): string {
  const repeat = sent.length > 0 && Math.random() < Number(values['repeat-share']);
  let task;
  if (repeat) {
    const earlier = sent[Math.floor(Math.random() * sent.length)]!;
    if (Math.random() < 0.5) earlier.riskScore = (earlier.riskScore + 1) % 101;
    task = earlier;
  } else {
    task = {
      externalId: `${values.prefix}-${process.pid}-${created++}`,
      agent: Math.floor(Math.random() * AGENT_COUNT),
      riskScore: Math.floor(Math.random() * 101),
    };
    sent.push(task);
  }

  const agent = agentOf(task.agent);
  return JSON.stringify({
    task: {
      external_id: task.externalId,
      agent: { external_id: agent.externalId, email: agent.email, name: agent.name },
      completed_at: '2026-05-12T16:32:00+02:00',
      custom_attributes: {
        task_type: TASK_TYPES[task.agent % TASK_TYPES.length],
        risk_score: task.riskScore,
      },
    },
  });
}

async function connection(deadline: number, result: LoadResult): Promise<void> {
  const headers = { Authorization: `Bearer ${values.key}`, 'Content-Type': 'application/json' };
  while (performance.now() < deadline) {
    const body = nextBody();
    const started = performance.now();
    const response = await fetch(`${values.url}${values.path}`, {
      method: 'POST',
      headers,
      body,
    }).catch(() => null);
    await response?.arrayBuffer();
    result.latenciesMs.push(performance.now() - started);
    const status = String(response?.status ?? 'network error');
    result.statuses[status] = (result.statuses[status] ?? 0) + 1;
  }
}

const result: LoadResult = { durationMs: 0, cpuMs: 0, latenciesMs: [], statuses: {} };
const started = performance.now();
const deadline = started + Number(values.seconds) * 1000;
await Promise.all(
  Array.from({ length: Number(values.connections) }, () => connection(deadline, result)),
);
result.durationMs = performance.now() - started;
const usage = process.resourceUsage();
result.cpuMs = (usage.userCPUTime + usage.systemCPUTime) / 1000;
process.stdout.write(JSON.stringify(result));
