import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** The process and all its descendants, from /proc (Linux). */
function processTree(root: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(parent, [...(parents.get(parent) ?? []), Number(entry)]);
    } catch {
      // the process ended while we looked
    }
  }
  const tree = [root];
  for (let index = 0; index < tree.length; index++) tree.push(...(parents.get(tree[index]!) ?? []));
  return tree;
}

function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`, { encoding: 'utf8' });
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode) inodes.add(inode);
    }
  } catch {
    // gone, or not ours to read
  }
  return inodes;
}

/** Local addresses (hex as in /proc/net/tcp*) of the TCP sockets a process tree listens on. */
export function listeningAddresses(root: number): { address: string; port: number }[] {
  const inodes = new Set(processTree(root).flatMap((pid) => [...socketInodes(pid)]));
  const listening: { address: string; port: number }[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').trim().split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const [address, port] = fields[1]!.split(':');
      if (fields[3] === '0A' && inodes.has(fields[9]!)) listening.push({ address: address!, port: parseInt(port!, 16) });
    }
  }
  return listening;
}

/** 127.0.0.1 as IPv4, or as ::ffff:127.0.0.1 / ::1 in the IPv6 table (byte order as /proc prints it). */
export function isLoopback(hexAddress: string): boolean {
  return ['0100007F', '0000000000000000FFFF00000100007F', '00000000000000000000000001000000'].includes(hexAddress);
}
