import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** Memory of one process as /proc reports it, in bytes. */
export interface ProcessMemory {
  pid: number;
  rssBytes: number;
  /** VmHWM: the highest RSS the process ever had. */
  peakRssBytes: number;
}

/** `pid` and every process below it, found through the parent ids in /proc/<pid>/stat. */
export function processTree(rootPid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const parent = parentOf(Number(entry));
    if (parent !== null) children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
  }

  const tree: number[] = [];
  const pending = [rootPid];
  while (pending.length > 0) {
    const pid = pending.pop()!;
    tree.push(pid);
    pending.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** The processes of the tree whose executable is named `name` (e.g. `workerd`). */
export function namedProcesses(rootPid: number, name: string): number[] {
  return processTree(rootPid).filter((pid) => readProc(pid, 'comm')?.trim() === name);
}

/** VmRSS and VmHWM of a process, or null once it has gone. */
export function memoryOf(pid: number): ProcessMemory | null {
  const status = readProc(pid, 'status');
  if (status === null) return null;

  const kib = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { pid, rssBytes: kib('VmRSS') * 1024, peakRssBytes: kib('VmHWM') * 1024 };
}

/**
 * What tells this process apart from a later one that reuses its id: its start time, in
 * clock ticks since boot. Null once it has gone.
 */
export function startTimeOf(pid: number): string | null {
  return statFields(pid)?.[19] ?? null;
}

function parentOf(pid: number): number | null {
  const fields = statFields(pid);
  return fields ? Number(fields[1]) : null;
}

/** The fields of /proc/<pid>/stat after the command name, from `state` on. */
function statFields(pid: number, file = 'stat'): string[] | null {
  const stat = readProc(pid, file);
  if (stat === null) return null;
  // The command name may hold spaces and parentheses: fields resume after the last `)`.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

function readProc(pid: number, file: string): string | null {
  return readProcFile(`/proc/${pid}/${file}`);
}

const CLOCK_TICKS_PER_SECOND = clockTicks();

/** CPU time (user + system) a process has used so far, in milliseconds; 0 once it has gone. */
export function cpuMsOf(pid: number): number {
  return cpuMsIn(statFields(pid));
}

/** The same for the process's main thread alone (where workerd runs its event loop). */
export function mainThreadCpuMsOf(pid: number): number {
  return cpuMsIn(statFields(pid, `task/${pid}/stat`));
}

function cpuMsIn(fields: string[] | null): number {
  if (!fields) return 0;
  // utime and stime: fields 14 and 15 of stat, counted from `state` (field 3).
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}

function clockTicks(): number {
  const result = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  return Number(result.stdout?.trim()) || 100;
}

/**
 * Which of `pids` listens on 127.0.0.1:`port` (IPv4), found through the socket's inode in
 * /proc/net/tcp and the processes' file descriptors; null if none does.
 */
export function pidListeningOn(port: number, pids: number[]): number | null {
  const localAddress = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const listening = (readProcFile('/proc/net/tcp') ?? '')
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .find((fields) => fields[1] === localAddress && fields[3] === '0A');
  if (!listening) return null;

  const socket = `socket:[${listening[9]}]`;
  return pids.find((pid) => descriptorsOf(pid).includes(socket)) ?? null;
}

function descriptorsOf(pid: number): string[] {
  try {
    return readdirSync(`/proc/${pid}/fd`).map((fd) => readlinkSafe(`/proc/${pid}/fd/${fd}`));
  } catch {
    return [];
  }
}

function readlinkSafe(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return '';
  }
}

function readProcFile(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}
