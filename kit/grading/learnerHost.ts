import { LearnerThread } from './learnerThread.ts';
import type { HostMessage, KitMessage } from './learnerSession.ts';

// The process the learner's code runs in, apart from the kit's: code that kills its process, or
// starts processes of its own, ends or leaves behind this process and its group, never the kit.
const send = (message: HostMessage) => process.send?.(message);
const thread = new LearnerThread((message) => send({ type: 'unawaited', message })).warm();

process.on('message', (message: KitMessage) => {
  void thread.call(message.call, message.timeoutMs).then((outcome) => send({ type: 'outcome', id: message.id, outcome }));
});

// The kit went away (it ended, or was killed): so does everything started here.
process.on('disconnect', () => {
  try {
    if (process.platform !== 'win32') process.kill(-process.pid, 'SIGKILL');
  } finally {
    process.exit(0);
  }
});

send({ type: 'ready' });
