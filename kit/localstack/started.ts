import type { ModeName } from './settings.ts';

/** A LocalStack the kit can talk to, however it was started. */
export interface StartedLocalStack {
  mode: ModeName;
  endpoint: string;
  version: string;
}
