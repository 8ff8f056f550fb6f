import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { tokenWaits } from '../../kit/bench/callbackRound.ts';

const at = (seconds: number) => new Date(Date.UTC(2026, 11, 24, 20, 0, seconds));
const entered = (name: string, seconds: number): HistoryEvent =>
  ({ type: 'TaskStateEntered', timestamp: at(seconds), stateEnteredEventDetails: { name } }) as HistoryEvent;
const exited = (name: string, seconds: number): HistoryEvent =>
  ({ type: 'TaskStateExited', timestamp: at(seconds), stateExitedEventDetails: { name } }) as HistoryEvent;
const scheduled = (resource: string, seconds: number): HistoryEvent =>
  ({
    type: 'TaskScheduled',
    timestamp: at(seconds),
    taskScheduledEventDetails: { resource, resourceType: 'sqs', region: 'us-east-1', parameters: '{}' },
  }) as HistoryEvent;

describe('the bench reads how long a state waited for its task token from the execution history', () => {
  it('counts each state that waited for a token, entered to exited, and no other state', () => {
    const history = [
      { type: 'ExecutionStarted', timestamp: at(0) } as HistoryEvent,
      entered('Send to workshop', 0),
      scheduled('sendMessage', 0),
      exited('Send to workshop', 1),
      entered('Quality check', 1),
      scheduled('sendMessage.waitForTaskToken', 1),
      { type: 'TaskSucceeded', timestamp: at(4) } as HistoryEvent,
      exited('Quality check', 4),
      // Rejected, remade, and checked again: a second round.
      entered('Quality check', 6),
      scheduled('sendMessage.waitForTaskToken', 6),
      { type: 'TaskFailed', timestamp: at(13) } as HistoryEvent,
      exited('Quality check', 13),
      entered('Announce OrderFulfilled', 13),
      scheduled('putEvents', 13),
      exited('Announce OrderFulfilled', 14),
    ];
    expect(tokenWaits(history)).toEqual([3000, 7000]);
  });

  it('finds nothing in an execution that never waited for a token, or whose wait has not ended', () => {
    expect(tokenWaits([entered('Send to workshop', 0), scheduled('sendMessage', 0), exited('Send to workshop', 2)])).toEqual([]);
    expect(tokenWaits([entered('Quality check', 0), scheduled('sendMessage.waitForTaskToken', 0)])).toEqual([]);
  });
});
