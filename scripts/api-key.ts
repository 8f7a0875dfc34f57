// `npm run api-key -- create --org <name> [--remote]`: gives an organization a new API key.
// Node runs this file from source (type stripping), so it imports `.ts` files by full name
// and only modules that import nothing themselves.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { generateApiKey, hashApiKey, keyHint as hintOf } from '../src/auth/api-keys.ts';
import { provisioningStatements } from '../src/auth/provisioning.ts';
import { newId } from '../src/lib/ids.ts';

const USAGE = `Usage: npm run api-key -- create --org <name> [--remote | --persist-to <dir>]

Creates the organization <name> unless it exists, adds a new API key to it, and prints
the key alone on the last line of stdout. Only the key's hash is stored: it is shown once.

  --org <name>  the organization that owns the key
  --remote            use the deployed D1 database instead of the local one of \`npm run dev\`
  --persist-to <dir>  use the local state in <dir>, as \`wrangler dev --persist-to <dir>\` does
`;

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
const WRANGLER = join(PROJECT_ROOT, 'node_modules', '.bin', 'wrangler');

interface CreateKeyCommand {
  organizationName: string;
  /** The wrangler flags that choose the database: local (maybe elsewhere) or deployed. */
  target: string[];
}

class UsageError extends Error {}

class WranglerError extends Error {}

/** Reads `create --org <name> [--remote]`; `null` when help was asked for. */
function parseCommand(args: string[]): CreateKeyCommand | null {
  const { positionals, values } = parseOptions(args);
  if (values.help) return null;

  const [command, ...extra] = positionals;
  if (command !== 'create') {
    throw new UsageError(command ? `Unknown command "${command}".` : 'No command given.');
  }
  if (extra.length > 0) throw new UsageError(`Unexpected argument "${extra[0]}".`);

  const organizationName = values.org?.trim();
  if (organizationName === undefined) throw new UsageError('--org <name> is required.');
  if (organizationName === '') throw new UsageError('The organization name is empty.');

  if (values.remote && values['persist-to'] !== undefined) {
    throw new UsageError('--persist-to applies to the local database, not with --remote.');
  }
  const target = values.remote
    ? ['--remote']
    : ['--local', ...(values['persist-to'] ? ['--persist-to', values['persist-to']] : [])];
  return { organizationName, target };
}

function parseOptions(args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      options: {
        org: { type: 'string' },
        remote: { type: 'boolean', default: false },
        'persist-to': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    // parseArgs names the offending option in its message, e.g. "Unknown option '--orgs'".
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

async function createKey({ organizationName, target }: CreateKeyCommand): Promise<void> {
  const remote = target.includes('--remote');
  runWrangler(['d1', 'migrations', 'apply', 'DB', ...target], 'shown');

  const apiKey = generateApiKey();
  const keyHint = hintOf(apiKey);
  const statements = provisioningStatements({
    organizationId: newId('org'),
    organizationName,
    keyId: newId('key'),
    keyHash: await hashApiKey(apiKey),
    keyHint,
    createdAt: new Date().toISOString(),
  });
  withSqlFile(statements, (file) => {
    // --json: its result is a dump of empty result sets, noise unless something failed.
    runWrangler(
      ['d1', 'execute', 'DB', ...target, '--yes', '--json', '--file', file],
      'shown-on-failure',
    );
  });

  console.error(`
Organization: ${organizationName} (${remote ? 'deployed' : 'local'} database)
API key:      ${keyHint}... (the hint stored with it)
Store the key now: it is shown once, on the next line.
`);
  process.stdout.write(`${apiKey}\n`);
}

/** Writes the statements to a temporary file for `wrangler d1 execute --file`, then deletes it. */
function withSqlFile(statements: string[], use: (file: string) => void): void {
  const directory = mkdtempSync(join(tmpdir(), 'tasks-ingest-api-key-'));
  try {
    const file = join(directory, 'provision.sql');
    writeFileSync(file, statements.map((statement) => `${statement};\n`).join(''), { mode: 0o600 });
    use(file);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/**
 * Runs the project's wrangler without a shell, so that no argument is ever read as shell
 * syntax. Its stdin is detached, which makes it skip confirmation prompts. Its stdout goes to
 * our stderr, or is held back unless it fails, so that our stdout holds nothing but the key.
 */
function runWrangler(args: string[], output: 'shown' | 'shown-on-failure'): void {
  const result = spawnSync(WRANGLER, args, {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', output === 'shown' ? 2 : 'pipe', 2],
    encoding: 'utf8',
  });
  const firstFlag = args.findIndex((arg) => arg.startsWith('-'));
  const command = ['wrangler', ...args.slice(0, firstFlag)].join(' ');

  if (result.error) {
    throw new WranglerError(
      `could not start ${command} (${result.error.message}); run npm install`,
    );
  }
  if (result.status !== 0) {
    if (result.stdout) process.stderr.write(result.stdout);
    const outcome = result.signal ? `was stopped by ${result.signal}` : `exited ${result.status}`;
    throw new WranglerError(`${command} ${outcome}, see its output above.${remoteHint(args)}`);
  }
}

function remoteHint(args: string[]): string {
  if (!args.includes('--remote')) return '';
  return (
    '\nWith --remote, wrangler needs the network, a login (`npx wrangler login` or' +
    ' CLOUDFLARE_API_TOKEN) and the real database_id in wrangler.toml.'
  );
}

async function main(args: string[]): Promise<number> {
  try {
    const command = parseCommand(args);
    if (!command) {
      process.stdout.write(USAGE);
      return 0;
    }
    await createKey(command);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof WranglerError) {
      console.error(`\nNo API key was created: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv.slice(2));
