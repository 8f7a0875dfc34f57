import {
  fitsCustomAttributes,
  taskFieldRules,
  taskInputSchema,
  type TaskInput,
} from '../tasks/schemas';
import { AgentVerdicts } from './agent-verdicts';
import type { ColumnMap } from './columns';
import { unguardFormula } from './formula-guard';

export interface RowError {
  code: string;
  field: string | null;
  message: string;
}

export type RowResult = { ok: true; task: TaskInput } | { ok: false; error: RowError };

type Agent = TaskInput['agent'];

/**
 * Reads the data rows of one upload as the tasks a POST would send, validated by the same
 * schema: an empty cell is an absent field, a custom cell's text is its value (no type
 * guessing). The header has already been checked (see `mapColumns`), custom keys included.
 *
 * Every row is held to the task schema's rules field by field: its external id and completion
 * time by the schema's plain rules for them (`taskFieldRules`), its agent by the agent schema,
 * whose verdict is kept and reused since a file names the same few agents again and again, and
 * its custom attributes, whose keys the header check already proved, by the size rule alone.
 * A row that fails is parsed again as one object by `taskInputSchema`, so that its error reads
 * exactly as the POST's would.
 */
export class RowReader {
  /** Kept for the whole step, so that every chunk reuses the verdicts of the chunks before. */
  private readonly agents = new AgentVerdicts();

  constructor(
    private readonly columns: ColumnMap,
    /** The header's cells. */
    readonly width: number,
  ) {}

  /**
   * A record's cells as the values they stand for: an error report uploaded again has the
   * report's formula guard taken off (see `unguardFormula`), any other file is as it is.
   */
  valuesOf(cells: string[]): string[] {
    return this.columns.reportError === null ? cells : cells.map(unguardFormula);
  }

  /** The row of `valuesOf`'s cells as a task, or why it is refused. */
  read(cells: string[]): RowResult {
    for (let index = this.width; index < cells.length; index++) {
      if (cells[index] !== '') {
        const message = `has ${cells.length} cells; the header has ${this.width}`;
        return failure('too_many_cells', null, message);
      }
    }

    const columns = this.columns;
    const externalId = readCell(cells, columns.externalId, taskFieldRules.externalId);
    const agent = this.agentOf(cells);
    const completedAt = readCell(cells, columns.completedAt, taskFieldRules.completedAt);
    const customAttributes = customAttributesOf(cells, columns);

    const valid =
      externalId !== null &&
      agent &&
      completedAt !== null &&
      fitsCustomAttributes(customAttributes);
    if (!valid) return explainRefusal(cells, columns, customAttributes);

    const task = {
      external_id: externalId,
      agent,
      completed_at: completedAt,
      custom_attributes: customAttributes,
    };
    return { ok: true, task };
  }

  /**
   * The external id a refused row's error names: the row's own when a task could have it, else
   * null (blank, over 255 characters, not valid Unicode), and its cells show what it was. A long
   * one is not kept twice: the cells are already cut to what D1 can hold (see `reportCells`).
   */
  externalIdOf(cells: string[]): string | null {
    const cell = cellAt(cells, this.columns.externalId);
    return cell === undefined ? null : taskFieldRules.externalId(cell);
  }

  /** The agent the row names, validated, or null when the agent schema refuses it. */
  private agentOf(cells: string[]): Agent | null {
    const { agentExternalId, agentEmail, agentName } = this.columns;
    return this.agents.judge(
      cellAt(cells, agentExternalId) ?? '',
      cellAt(cells, agentEmail) ?? '',
      cellAt(cells, agentName) ?? '',
    );
  }
}

/** The row's non-empty custom cells, by attribute name. */
function customAttributesOf(cells: string[], columns: ColumnMap): Record<string, string> {
  // Assigning is safe: the one key an assignment would not store, __proto__, is refused with
  // the header (see `mapColumns`).
  const attributes: Record<string, string> = {};
  for (const { key, index } of columns.custom) {
    const value = cells[index];
    if (value) attributes[key] = value;
  }
  return attributes;
}

/** The refusal of a row, from the whole task schema: the same issues, in the same order. */
function explainRefusal(
  cells: string[],
  columns: ColumnMap,
  customAttributes: Record<string, string>,
): RowResult {
  const parsed = taskInputSchema.safeParse({
    external_id: cellAt(cells, columns.externalId),
    agent: {
      external_id: cellAt(cells, columns.agentExternalId),
      email: cellAt(cells, columns.agentEmail),
      name: cellAt(cells, columns.agentName),
    },
    completed_at: cellAt(cells, columns.completedAt),
    custom_attributes: customAttributes,
  });
  // Unreachable while `taskFieldRules` agree with the schema; should they not, the schema decides.
  if (parsed.success) return { ok: true, task: parsed.data };

  const problems = parsed.error.issues.map((issue) => {
    const field = columnOf(issue.path);
    // The rule about the agent object reads, in a CSV, as a rule about two columns.
    if (field === 'agent') return { field, message: 'needs agent_external_id or agent_email' };
    return { field, message: issue.message };
  });
  const first = problems[0]!;
  const absent = first.message === 'is required' || first.field === 'agent';
  const code = `${absent ? 'missing' : 'invalid'}_${first.field}`;
  const message = problems.map((problem) => `${problem.field} ${problem.message}`).join('; ');
  return failure(code, first.field, message);
}

/** A required field's value by its rule, or null when the cell is empty, missing or refused. */
function readCell(
  cells: string[],
  index: number | null,
  rule: (value: string) => string | null,
): string | null {
  const cell = cellAt(cells, index);
  return cell === undefined ? null : rule(cell);
}

/** The cell's text, or undefined for an empty cell or one the row lacks. */
function cellAt(cells: string[], index: number | null): string | undefined {
  return index === null ? undefined : cells[index] || undefined;
}

/** The CSV column a task field comes from: `agent.email` is `agent_email`, and so on. */
function columnOf(path: PropertyKey[]): string {
  const [field, key] = path.map(String);
  if (field === 'agent') return key ? `agent_${key}` : 'agent';
  if (field === 'custom_attributes' && key !== undefined) return `custom_${key}`;
  return field ?? 'row';
}

function failure(code: string, field: string | null, message: string): RowResult {
  return { ok: false, error: { code, field, message } };
}
