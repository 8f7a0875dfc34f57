import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

export default defineConfig(async () => {
  const migrations = await readD1Migrations('./migrations');

  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: './wrangler.toml' },
        miniflare: {
          // Small chunks, so that even short test files cross chunk boundaries.
          bindings: { TEST_MIGRATIONS: migrations, UPLOAD_CHUNK_ROWS: '50' },
        },
      }),
    ],
    test: {
      include: ['test/**/*.test.ts'],
      // Tests share no records (each makes its own organization), so files can share workers.
      isolate: false,
      setupFiles: ['./test/support/apply-migrations.ts'],
      // The per-request log lines are asserted where they matter; elsewhere they are noise.
      onConsoleLog: (log: string) => !log.startsWith('{"message":"request"'),
    },
  };
});
