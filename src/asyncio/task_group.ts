import { currentScope, linkAbort, runInScope } from '../_internal/cancellation.js';
import { checkFunction } from '../_internal/validate.js';
import { CancelledError, ExceptionGroup, RuntimeError } from '../errors.js';
import { park, WaiterList } from './_waiter.js';
import { Task, type TaskFunction, type TaskOptions } from './task.js';

const OPEN = 0;
const CLOSING = 1;
const CLOSED = 2;

/**
 * Structured concurrency (Python's `asyncio.TaskGroup`): tasks started with
 * {@link TaskGroup.createTask} all finish before the group does. The first child to fail
 * (with anything but `CancelledError`) aborts the group: {@link TaskGroup.signal} aborts and
 * the other children are cancelled. Closing waits for every child, then throws the
 * children's errors together as an `ExceptionGroup`; if the enclosing task was cancelled
 * and nothing failed, the `CancelledError` propagates.
 *
 * Two forms:
 *
 * - `await TaskGroup.run(async (tg) => { ... })` (recommended). The body runs in the
 *   group's cancel scope: weft waiting calls in it stop by themselves when the group aborts.
 *   A body error aborts the group and joins the `ExceptionGroup`, as in Python.
 * - `await using tg = new TaskGroup()`. Leaving the block closes the group. The body is not
 *   in the group's scope (watch `tg.signal` yourself), and the group cannot see an error
 *   thrown by the body: the children are not cancelled for it, and if they fail too,
 *   JavaScript reports a `SuppressedError` whose `error` is the `ExceptionGroup` and whose
 *   `suppressed` is the body's error.
 *
 * @example
 * ```ts
 * import { TaskGroup, sleep } from 'weft/asyncio';
 * const [a, b] = await TaskGroup.run(async (tg) => {
 *   const a = tg.createTask(async () => { await sleep(10); return 1; });
 *   const b = tg.createTask(async () => 2);
 *   return [a, b];
 * });
 * console.log(a.result(), b.result()); // 1 2
 * ```
 */
export class TaskGroup implements AsyncDisposable {
  readonly #controller = new AbortController();
  readonly #tasks = new Set<Task<unknown>>();
  readonly #errors: unknown[] = [];
  readonly #idle = new WaiterList<void>();
  readonly #outer: AbortSignal | undefined;
  readonly #unlink: () => void;
  #state = OPEN;

  /** Opens a group; it follows the cancellation of the enclosing task or scope. */
  constructor() {
    this.#outer = currentScope()?.signal;
    this.#controller.signal.addEventListener('abort', () => this.#cancelChildren(), {
      once: true,
    });
    this.#unlink = linkAbort(this.#outer, this.#controller);
  }

  /** Aborted when the group aborts: a child failed, the body failed, or the parent was cancelled. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /**
   * Starts `fn` as a child task. Throws `RuntimeError` once the group is closed or is
   * shutting down after a failure.
   */
  createTask<T>(fn: TaskFunction<T>, options?: TaskOptions): Task<T> {
    checkFunction(fn, 'fn');
    if (this.#state === CLOSED) throw new RuntimeError('TaskGroup is finished');
    if (this.#controller.signal.aborted) throw new RuntimeError('TaskGroup is shutting down');
    const task = new Task(fn, options);
    this.#tasks.add(task as Task<unknown>);
    task.addDoneCallback(this.#onChildDone as (t: Task<T>) => void);
    return task;
  }

  readonly #onChildDone = (task: Task<unknown>): void => {
    this.#tasks.delete(task);
    if (!task.cancelled()) {
      const error = task.exception();
      if (error !== undefined) {
        this.#errors.push(error);
        this.#abort();
      }
    }
    if (this.#tasks.size === 0) this.#idle.grantAll(undefined);
  };

  #abort(): void {
    if (!this.#controller.signal.aborted)
      this.#controller.abort(new CancelledError('TaskGroup aborted'));
  }

  #cancelChildren(): void {
    for (const task of this.#tasks) task.cancel();
  }

  /**
   * Waits for every child (even if the enclosing task is cancelled meanwhile), then throws
   * the collected errors. `bodyFailed`/`bodyError`: how the body ended.
   */
  async #close(bodyFailed: boolean, bodyError: unknown): Promise<void> {
    if (this.#state !== OPEN) throw new RuntimeError('TaskGroup is already closed');
    this.#state = CLOSING;
    if (bodyFailed && !(bodyError instanceof CancelledError)) this.#abort();
    while (this.#tasks.size > 0) await park(this.#idle, undefined, undefined, undefined, () => {});
    this.#state = CLOSED;
    this.#unlink();
    const errors = this.#errors;
    if (bodyFailed && !(bodyError instanceof CancelledError)) errors.push(bodyError);
    if (errors.length > 0) {
      const n = errors.length;
      throw new ExceptionGroup(
        `unhandled errors in a TaskGroup (${n} sub-exception${n === 1 ? '' : 's'})`,
        errors,
      );
    }
    if (bodyFailed) throw bodyError;
    if (this.#outer?.aborted) throw this.#outer.reason;
  }

  /** Closes the group: waits for every child, then throws their errors (`await using`). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.#close(false, undefined);
  }

  /**
   * Runs `body(tg)` with a new group, inside the group's cancel scope, then closes the
   * group; resolves to the body's result. Errors: an `ExceptionGroup` of every child error
   * and the body's own, or the `CancelledError` of a cancelled parent.
   */
  static async run<R>(body: (tg: TaskGroup) => R | PromiseLike<R>): Promise<R> {
    checkFunction(body, 'body');
    const tg = new TaskGroup();
    const scope = { task: currentScope()?.task, signal: tg.signal };
    let result: R | undefined;
    let failed = false;
    let error: unknown;
    try {
      result = await runInScope(scope, () => body(tg));
    } catch (err) {
      failed = true;
      error = err;
    }
    await tg.#close(failed, error);
    return result as R;
  }
}
