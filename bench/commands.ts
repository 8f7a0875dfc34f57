/**
 * Every external command the run executed, with its temporary paths and ports replaced by
 * placeholders, in first-use order: the report lists them as the exact commands.
 */
const commands = new Map<string, number>();
const placeholders: [string, string][] = [];

/** From now on, `path` appears as `name` in the recorded commands. */
export function placeholder(path: string, name: string): void {
  placeholders.push([path, name]);
}

export function recordCommand(argv: string[]): void {
  let text = argv.map(quote).join(' ');
  for (const [path, name] of placeholders) text = text.split(path).join(name);
  text = text.replace(/(--(?:inspector-)?port) \d+/g, '$1 <free port>');
  commands.set(text, (commands.get(text) ?? 0) + 1);
}

export function recordedCommands(): { command: string; times: number }[] {
  return [...commands].map(([command, times]) => ({ command, times }));
}

function quote(arg: string): string {
  return /^[\w@%+=:,./<>-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
