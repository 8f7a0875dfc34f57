import { z } from 'zod';

import { sleep } from './dev-server.ts';

const targetsSchema = z.array(z.object({ webSocketDebuggerUrl: z.string() })).min(1);
// Some methods come back through wrangler's proxy without a `result` (as `{id, method, params}`).
const replySchema = z.object({
  id: z.number(),
  result: z.record(z.string(), z.unknown()).default({}),
});
const eventSchema = z.object({
  method: z.string(),
  params: z.record(z.string(), z.unknown()).default({}),
});

/**
 * A DevTools session with the Worker's isolate, through wrangler's inspector proxy. The
 * runtime answers only when its event loop is free: a consumer step delays every reply.
 */
export class DevTools {
  private readonly socket: WebSocket;
  private readonly replies = new Map<number, (result: Record<string, unknown>) => void>();
  private readonly listeners = new Set<(method: string, params: Record<string, unknown>) => void>();
  private nextId = 1;

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.addEventListener('message', (event) => {
      const message: unknown = JSON.parse(String(event.data));
      const reply = replySchema.safeParse(message);
      if (reply.success) return this.replies.get(reply.data.id)?.(reply.data.result);

      const notification = eventSchema.safeParse(message);
      if (!notification.success) return;
      for (const listener of this.listeners) {
        listener(notification.data.method, notification.data.params);
      }
    });
  }

  /** Calls `handle` with the params of every `method` event, until the returned function. */
  on(method: string, handle: (params: Record<string, unknown>) => void): () => void {
    const listener = (name: string, params: Record<string, unknown>) => {
      if (name === method) handle(params);
    };
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  static async connect(inspectorUrl: string): Promise<DevTools> {
    const targets = await listTargets(inspectorUrl);
    // The proxy accepts DevTools from a local Origin only; browsers send one, Node does not.
    const init = { headers: { Origin: 'http://localhost' } };
    const socket = new WebSocket(targets[0]!.webSocketDebuggerUrl, init as never);
    await new Promise((resolve, reject) => {
      socket.addEventListener('open', resolve, { once: true });
      socket.addEventListener('error', () => reject(new Error('DevTools connection failed')));
    });
    return new DevTools(socket);
  }

  call(method: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.replies.set(id, (result) => {
        this.replies.delete(id);
        resolve(result);
      });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  close(): void {
    this.socket.close();
  }
}

/** The DevTools targets; the Worker's appears shortly after the server first answers. */
async function listTargets(inspectorUrl: string) {
  for (let attempt = 1; ; attempt++) {
    const listed = targetsSchema.safeParse(await (await fetch(`${inspectorUrl}/json`)).json());
    if (listed.success) return listed.data;
    if (attempt === 20) throw new Error(`no DevTools target at ${inspectorUrl}/json`);
    await sleep(250);
  }
}
