import { agentSchema, type TaskInput } from '../tasks/schemas';

type Agent = TaskInput['agent'];

/**
 * Agents whose verdict is kept: those of files with up to 10,000 of them. The memo starts
 * afresh when it is full, so memory stays bounded whatever the file.
 */
const MAX_REMEMBERED_AGENTS = 10_000;

/**
 * The agent schema's verdicts on the agents an upload's rows name, each kept and reused: a
 * file names the same few agents again and again. Keyed by the cells as they read, external
 * id, then email, then name ('' when empty), so that no two agents' cells can run together.
 */
export class AgentVerdicts {
  private readonly verdicts = new Map<string, Map<string, Map<string, Agent | null>>>();
  private remembered = 0;

  /** The agent these cells name, validated, or null when the agent schema refuses it. */
  judge(externalId: string, email: string, name: string): Agent | null {
    const known = this.verdicts.get(externalId)?.get(email)?.get(name);
    if (known !== undefined) return known;
    return this.judgeNew(detached(externalId), detached(email), detached(name));
  }

  private judgeNew(externalId: string, email: string, name: string): Agent | null {
    const parsed = agentSchema.safeParse({
      external_id: externalId || undefined,
      email: email || undefined,
      name: name || undefined,
    });
    // Shared by every row that names this agent, so nothing may change it.
    const agent = parsed.success ? Object.freeze(parsed.data) : null;
    this.remember(externalId, email, name, agent);
    return agent;
  }

  private remember(externalId: string, email: string, name: string, agent: Agent | null): void {
    if (this.remembered >= MAX_REMEMBERED_AGENTS) {
      this.verdicts.clear();
      this.remembered = 0;
    }
    let byEmail = this.verdicts.get(externalId);
    if (!byEmail) this.verdicts.set(externalId, (byEmail = new Map()));
    let byName = byEmail.get(email);
    if (!byName) byEmail.set(email, (byName = new Map()));
    byName.set(name, agent);
    this.remembered++;
  }
}

/**
 * A copy of the text that shares no memory with the string it came from. A cell can be a slice
 * of the text of a whole chunk of the file (see `asciiText`): a verdict kept for the rest of the
 * step must not keep that chunk alive.
 */
function detached(text: string): string {
  return JSON.parse(JSON.stringify(text)) as string;
}
