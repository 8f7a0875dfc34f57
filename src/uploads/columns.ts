import { customAttributeKeySchema } from '../tasks/schemas';

/** Where each field of a task sits in the CSV's cells, read from its header row. */
export interface ColumnMap {
  externalId: number;
  completedAt: number;
  agentExternalId: number | null;
  agentEmail: number | null;
  agentName: number | null;
  custom: { key: string; index: number }[];
  /**
   * The `error` column of an error report uploaded again, always the first: ignored, and it
   * marks the file as a report, whose cells carry the report's formula guard (see
   * `unguardFormula`). Anywhere else, a column named `error` is an unknown one.
   */
  reportError: 0 | null;
}

export interface ColumnError {
  column: string;
  message: string;
}

const KNOWN = ['external_id', 'agent_external_id', 'agent_email', 'agent_name', 'completed_at'];
const CUSTOM_PREFIX = 'custom_';
/** The column the error report adds: a report can be fixed and uploaded again as it is. */
const REPORT_ERROR = 'error';

/**
 * Reads the header row: names are trimmed and matched case-insensitively, column order is
 * free. Every reason the header cannot work is reported, each naming its column.
 */
export function mapColumns(
  header: string[],
): { ok: true; columns: ColumnMap } | { ok: false; errors: ColumnError[] } {
  const names = header.map((cell) => cell.trim());
  const errors = [...duplicates(names), ...unknownOrEmpty(names), ...missing(names)];
  if (errors.length > 0) return { ok: false, errors };

  const index = (name: string) => names.findIndex((cell) => cell.toLowerCase() === name);
  const optional = (name: string) => (index(name) === -1 ? null : index(name));
  return {
    ok: true,
    columns: {
      externalId: index('external_id'),
      completedAt: index('completed_at'),
      agentExternalId: optional('agent_external_id'),
      agentEmail: optional('agent_email'),
      agentName: optional('agent_name'),
      custom: names.flatMap((name, position) =>
        isCustom(name) ? [{ key: name.slice(CUSTOM_PREFIX.length), index: position }] : [],
      ),
      reportError: isReportError(names[0]) ? 0 : null,
    },
  };
}

function duplicates(names: string[]): ColumnError[] {
  const seen = new Map<string, number>();
  for (const name of names) seen.set(name.toLowerCase(), (seen.get(name.toLowerCase()) ?? 0) + 1);

  return [...seen]
    .filter(([name, count]) => count > 1 && name !== '')
    .map(([name, count]) => ({ column: name, message: `appears ${count} times` }));
}

function unknownOrEmpty(names: string[]): ColumnError[] {
  return names.flatMap((name, position): ColumnError[] => {
    if (name === '') {
      return [{ column: '', message: `column ${position + 1} has no name` }];
    }
    if (isCustom(name)) return customKeyErrors(name);
    if (isReportError(name) && position > 0) {
      return [{ column: name, message: 'is known only as the first column, as the report has it' }];
    }
    if (!KNOWN.includes(name.toLowerCase()) && !isReportError(name)) {
      return [{ column: name, message: 'is not a known column; prefix extra data with custom_' }];
    }
    return [];
  });
}

/**
 * A custom column's attribute name must be a key that `custom_attributes` accepts, or every
 * row with a value in that column would be refused: the header is refused instead.
 */
function customKeyErrors(name: string): ColumnError[] {
  const key = name.slice(CUSTOM_PREFIX.length);
  if (key === '') return [{ column: name, message: 'needs an attribute name after custom_' }];
  // JSON objects cannot keep this key as data: stored attributes would silently lack it.
  if (key === '__proto__') return [{ column: name, message: 'cannot be an attribute name' }];

  const checked = customAttributeKeySchema.safeParse(key);
  if (checked.success) return [];
  const problem = checked.error.issues[0]!.message;
  return [{ column: name, message: `is not a usable attribute name: ${problem}` }];
}

function missing(names: string[]): ColumnError[] {
  const has = (name: string) => names.some((cell) => cell.toLowerCase() === name);
  const errors: ColumnError[] = [];
  for (const required of ['external_id', 'completed_at']) {
    if (!has(required)) errors.push({ column: required, message: 'is required and missing' });
  }
  if (!has('agent_external_id') && !has('agent_email')) {
    errors.push({
      column: 'agent_external_id',
      message: 'is missing, and so is agent_email: one of the two is required',
    });
  }
  return errors;
}

function isReportError(name: string | undefined): boolean {
  return name?.toLowerCase() === REPORT_ERROR;
}

function isCustom(name: string): boolean {
  return name.toLowerCase().startsWith(CUSTOM_PREFIX);
}
