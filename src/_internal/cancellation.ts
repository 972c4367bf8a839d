/**
 * Implicit cancellation: the cancel scope a piece of code runs in.
 *
 * A weft `Task` runs its function inside an `AsyncLocalStorage` context holding a
 * {@link CancelScope} (the task and its AbortSignal); `TaskGroup.run` and `timeout` open
 * nested scopes whose signal also follows the enclosing one. A waiting call asks
 * {@link effectiveSignal} (or {@link scopeSignal}) on its slow path, so that
 * `await sleep(1000)` or `await lock.acquire()` inside a task is interrupted by
 * `task.cancel()` even when no signal was passed — like Python injecting `CancelledError`
 * at an `await`. Uncontended fast paths never look the scope up.
 *
 * Cost: `getStore()` is a field read on the current async resource (tens of nanoseconds).
 * On Node 20 the first `AsyncLocalStorage.run` switches on promise hooks for the whole
 * process, which makes every later promise reaction slower; programs that never create a
 * Task (or a TaskGroup body, or a timeout scope) never pay it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** What a cancel scope holds: the task it belongs to (if any) and its signal. */
export interface CancelScope {
  /** The task whose code runs in this scope; `undefined` outside any task. */
  readonly task: object | undefined;
  /** Aborted when the work of this scope is cancelled; its reason is the error to throw. */
  readonly signal: AbortSignal;
}

const storage = new AsyncLocalStorage<CancelScope>();

/** The innermost cancel scope of the calling code, if any. */
export function currentScope(): CancelScope | undefined {
  return storage.getStore();
}

/** The signal of the innermost cancel scope, if any. */
export function scopeSignal(): AbortSignal | undefined {
  return storage.getStore()?.signal;
}

/**
 * The signal a waiting call must obey: the caller's `signal` combined with the current
 * scope's. Allocates a combined signal only when both exist and differ.
 */
export function effectiveSignal(signal?: AbortSignal): AbortSignal | undefined {
  const scope = storage.getStore();
  if (scope === undefined || scope.signal === signal) return signal;
  if (signal === undefined) return scope.signal;
  return AbortSignal.any([signal, scope.signal]);
}

/** Runs `fn` inside `scope`: every wait it starts, directly or later, obeys the scope. */
export function runInScope<R>(scope: CancelScope, fn: () => R): R {
  return storage.run(scope, fn);
}

/** Runs `fn` outside any cancel scope: for cleanup that must not be cancelled. */
export function outsideScope<R>(fn: () => R): R {
  return storage.exit(fn);
}

/**
 * Makes `controller` abort when `outer` does, with the same reason; returns a function
 * that undoes the link. An already aborted `outer` aborts `controller` at once.
 */
export function linkAbort(outer: AbortSignal | undefined, controller: AbortController): () => void {
  if (outer === undefined) return noop;
  if (outer.aborted) {
    controller.abort(outer.reason);
    return noop;
  }
  const onAbort = (): void => controller.abort(outer.reason);
  outer.addEventListener('abort', onAbort, { once: true });
  return () => outer.removeEventListener('abort', onAbort);
}

function noop(): void {}
