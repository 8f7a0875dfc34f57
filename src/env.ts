import { z } from 'zod';

/** The Worker's bindings, as declared in wrangler.toml. */
interface Bindings {
  DB: D1Database;
  UPLOADS: R2Bucket;
  UPLOAD_QUEUE: Queue;
  MAX_UPLOAD_BYTES: string;
  API_KEY_CACHE_SECONDS: string;
  UPLOAD_CHUNK_ROWS: string;
  UPLOAD_STEP_SECONDS: string;
  UPLOAD_LEASE_SECONDS: string;
  UPLOAD_RETENTION_DAYS: string;
  REQUEST_LOG: string;
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
  // A chunk is one D1 batch, which must finish within D1's 30 s.
  UPLOAD_CHUNK_ROWS: z.coerce.number().int().min(1).max(20_000),
  UPLOAD_STEP_SECONDS: z.coerce.number().min(0),
  UPLOAD_LEASE_SECONDS: z.coerce.number().positive(),
  UPLOAD_RETENTION_DAYS: z.coerce.number().positive(),
  REQUEST_LOG: z.enum(['all', 'problems']),
});

export type Settings = z.infer<typeof settingsSchema>;

/** Settings by the env object they were read from: it lives as long as the isolate. */
const settingsByEnv = new WeakMap<Env, Settings>();

/** The string variables of wrangler.toml, checked and converted; a bad value fails loudly. */
export function readSettings(env: Env): Settings {
  let settings = settingsByEnv.get(env);
  if (!settings) {
    settings = settingsSchema.parse(env);
    settingsByEnv.set(env, settings);
  }
  return settings;
}
