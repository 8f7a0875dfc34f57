import { createApp } from './app';

const app = createApp();

export default {
  fetch: app.fetch,
  async queue(batch) {
    // Upload processing arrives with the bulk API; until then nothing is enqueued.
    batch.ackAll();
  },
} satisfies ExportedHandler<Env>;
