import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

const TICKS_PER_SECOND = 100;

/** user + system seconds of one process (fields 14 and 15 of /proc/<pid>/stat), or 0 once it is gone. */
function ownSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((task) =>
      readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
    );
  } catch {
    return [];
  }
}

/** CPU seconds a running process and its descendants have used so far (LocalStack and its DynamoDB Local); Linux only. */
export function treeCpuSeconds(pid: number): number | undefined {
  if (process.platform !== 'linux') return undefined;
  return ownSeconds(pid) + childrenOf(pid).reduce((sum, child) => sum + (treeCpuSeconds(child) ?? 0), 0);
}

/** CPU seconds of this process's children that have ended (cutime + cstime): what the grades it ran used; Linux only. */
export function endedChildrenCpuSeconds(): number | undefined {
  if (process.platform !== 'linux') return undefined;
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND;
}

/** The machine's load average over the last minute: every figure of the bench is printed with it. */
export const loadNow = () => os.loadavg()[0]!.toFixed(1);
