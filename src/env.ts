import { z } from 'zod';

/** The Worker's bindings, as declared in wrangler.toml. */
interface Bindings {
  DB: D1Database;
  UPLOADS: R2Bucket;
  UPLOAD_QUEUE: Queue;
  MAX_UPLOAD_BYTES: string;
  API_KEY_CACHE_SECONDS: string;
}

declare global {
  namespace Cloudflare {
    interface Env extends Bindings {}
    interface GlobalProps {
      mainModule: typeof import('./index');
    }
  }
  /** The Worker's `env`, also what `cloudflare:workers` and `cloudflare:test` provide. */
  interface Env extends Cloudflare.Env {}
}

const settingsSchema = z.object({
  MAX_UPLOAD_BYTES: z.coerce.number().int().positive(),
  API_KEY_CACHE_SECONDS: z.coerce.number().int().min(0),
});

export type Settings = z.infer<typeof settingsSchema>;

/** The string variables of wrangler.toml, checked and converted; a bad value fails loudly. */
export function readSettings(env: Env): Settings {
  return settingsSchema.parse(env);
}
