/**
 * A plausible mistake, written as edits to the reference solution so that it follows the
 * solution when the solution changes. Each `find` must occur exactly once in the file it edits.
 */
export interface WrongAnswer {
  name: string;
  /** What a learner would have done, and why it is wrong. */
  mistake: string;
  /** The task whose check must be the first to fail. */
  failsAt: number;
  /** When the check of `failsAt` finds an earlier task's mistake: the task "Look at" must name. */
  looksAt?: number;
  /** What the failure's Expected or Found must say, where the task alone does not pin the check that caught it. */
  says?: RegExp;
  /**
   * The reference solution with the part of task `failsAt` put back as the starter has it (its TODO and
   * placeholder values): no task may pass on what the starter ships. Each `replace` is text of the
   * starter's file (test/unit/starterParts.test.ts checks it), so the answer cannot drift from the starter.
   */
  starterPart?: true;
  /** Where the whole system's earlier steps come from, when not the reference solutions: exercise 8's Task 5 deploys them. */
  earlierSteps?: 'starters';
  /** Edits of the exercise's file, or of one of its assets when `file` names it (e.g. "fulfilment.asl.json"). */
  edits: { file?: string; find: string; replace: string }[];
}

/**
 * A sentence of the exercise's README that says what the grader checks ("The grader reads your
 * Retry…"), and the wrong answers that prove the check exists: each must fail at its task.
 */
export interface ReadmePromise {
  /** An exact piece of the README's text (whitespace may differ: the README wraps lines). */
  sentence: string;
  /** Names of wrong answers in the same file. */
  provedBy: string[];
}
