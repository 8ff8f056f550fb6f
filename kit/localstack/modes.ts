import type { ModeName } from './settings.ts';
import type { StartedLocalStack } from './started.ts';

/** What `npm run localstack -- status` and `doctor` say of a mode's LocalStack. */
export interface ModeStatus {
  mode: ModeName;
  /** Running and answering; false when nothing of this mode runs. */
  running: boolean;
  endpoint?: string;
  version?: string;
  /** What runs it, in words: "pid 123", "container northpole-1a2b (1a2b3c4d5e6f) from localstack/localstack:4.13.1". */
  what?: string;
  /** When it started, where that is known. */
  since?: Date;
  /** Something a learner should know: a container left from other patches, a process that does not answer. */
  note?: string;
  started?: StartedLocalStack;
}

/**
 * One way of running LocalStack (Docker, no Docker) or of using one that runs elsewhere (an endpoint).
 * `status`, `stop`, `doctor` and every grade go through this shape, whatever the mode.
 */
export interface LocalStackMode {
  readonly name: ModeName;
  /** The LocalStack of this mode that runs and answers now, or undefined; never starts one. */
  running(say?: (line: string) => void): Promise<StartedLocalStack | undefined>;
  /** One that answers with the track's services ready: the running one, or a new one. */
  start(say?: (line: string) => void): Promise<StartedLocalStack>;
  /** Stops what this mode started; a sentence saying what was stopped, or undefined when nothing ran. */
  stop(): Promise<string | undefined>;
  describe(): Promise<ModeStatus>;
}

/** "up 4 min", "up 2 h 5 min", for status lines. */
export function uptime(since: Date, now = Date.now()): string {
  const minutes = Math.max(0, Math.floor((now - since.getTime()) / 60_000));
  if (minutes < 1) return 'up less than a minute';
  if (minutes < 60) return `up ${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `up ${hours} h ${minutes % 60} min`;
  return `up ${Math.floor(hours / 24)} days`;
}
