import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** A process as the kit needs to know it: its pid, its command line, and whether it is stopped (SIGSTOP, Ctrl-Z). */
export interface ProcessInfo {
  pid: number;
  command: string;
  stopped: boolean;
}

const onLinux = process.platform === 'linux';

/** Every process the user can see; /proc on Linux, `ps` elsewhere. */
export function listProcesses(): ProcessInfo[] {
  if (onLinux) {
    return readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .map((entry) => processInfo(Number(entry)))
      .filter((info): info is ProcessInfo => !!info);
  }
  try {
    return execFileSync('ps', ['-axww', '-o', 'pid=,stat=,command='], { encoding: 'utf8' })
      .split('\n')
      .map((line) => /^\s*(\d+)\s+(\S+)\s+(.*)$/.exec(line))
      .filter((match): match is RegExpExecArray => !!match)
      .map((match) => ({ pid: Number(match[1]), stopped: match[2]!.startsWith('T'), command: match[3]! }));
  } catch {
    return [];
  }
}

export function processInfo(pid: number): ProcessInfo | undefined {
  if (!onLinux) return listProcesses().find((info) => info.pid === pid);
  try {
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    // The state is the field after the parenthesised name, which may itself contain spaces.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return command ? { pid, command, stopped: state === 'T' || state === 't' } : undefined;
  } catch {
    return undefined;
  }
}

/** Who listens on a TCP port of this machine, when the system lets the kit see it. */
export function portHolder(port: number): ProcessInfo | undefined {
  if (onLinux) {
    const inodes = new Set<string>();
    for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
      let text = '';
      try {
        text = readFileSync(table, 'utf8');
      } catch {
        continue;
      }
      for (const line of text.split('\n').slice(1)) {
        const fields = line.trim().split(/\s+/);
        // local address is HEX_IP:HEX_PORT, state 0A is LISTEN, field 9 the socket's inode
        if (fields[3] === '0A' && Number.parseInt(fields[1]?.split(':')[1] ?? '', 16) === port) inodes.add(fields[9]!);
      }
    }
    if (inodes.size === 0) return undefined;
    for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
      let descriptors: string[];
      try {
        descriptors = readdirSync(`/proc/${entry}/fd`);
      } catch {
        continue;
      }
      for (const fd of descriptors) {
        try {
          const target = readlinkSync(`/proc/${entry}/fd/${fd}`);
          if (inodes.has(/^socket:\[(\d+)\]$/.exec(target)?.[1] ?? '')) return processInfo(Number(entry));
        } catch {
          // the descriptor closed meanwhile
        }
      }
    }
    return undefined;
  }
  try {
    const pid = Number(
      execFileSync('lsof', ['-nP', `-iTCP:${port}`, '-sTCP:LISTEN', '-t'], { encoding: 'utf8', timeout: 3000 })
        .trim()
        .split('\n')[0],
    );
    return pid ? processInfo(pid) : undefined;
  } catch {
    return undefined;
  }
}
