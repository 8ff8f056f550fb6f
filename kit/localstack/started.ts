import type { ModeName } from './settings.ts';

/** A LocalStack the kit can talk to, however it was started. */
export interface StartedLocalStack {
  mode: ModeName;
  endpoint: string;
  version: string;
  /** What answers when it is not LocalStack ("MiniStack 1.5.33"); messages then say "the emulator at …". */
  emulator?: string;
  /** An emulator that is not LocalStack, even one that gives no name. */
  notLocalStack?: boolean;
}

/** How messages name what the kit grades against: "LocalStack", or "the emulator at … (MiniStack 1.5.33)". */
export function emulatorLabel(started: StartedLocalStack): string {
  if (!started.notLocalStack) return 'LocalStack';
  return started.emulator ? `the emulator at ${started.endpoint} (${started.emulator})` : `the emulator at ${started.endpoint}`;
}

export function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
