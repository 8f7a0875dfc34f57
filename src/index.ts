import { createApp } from './app';
import { consumeDeadLetters, consumeUploadMessages } from './pipeline/consumer';
import { sweepUploads } from './pipeline/sweeper';

const app = createApp();

export default {
  fetch: app.fetch,

  async queue(batch, env) {
    // Both queues of wrangler.toml are consumed here; the dead-letter one ends in `-dlq`.
    if (batch.queue.endsWith('-dlq')) await consumeDeadLetters(batch, env);
    else await consumeUploadMessages(batch, env);
  },

  async scheduled(_controller, env) {
    await sweepUploads(env);
  },
} satisfies ExportedHandler<Env>;
