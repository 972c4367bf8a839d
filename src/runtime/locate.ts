/**
 * Where a function was defined, and which outer variables it can see: asked of V8 through an
 * in-process inspector session (synchronous in Node.js).
 *
 * This is what lets `new Thread({ target: work })` send `work` to another isolate by
 * reference, like Python's spawn pickles a function by its qualified name: weft learns the
 * module that defines `work` and has the thread import it. For a function that is not at
 * the top level of a module, weft sends its source instead, and uses the scopes to tell
 * which outer variables it would lose.
 */
import type { Session } from 'node:inspector';
import { createRequire } from 'node:module';

/** What V8 knows about a function. */
export interface FunctionInfo {
  /** URL of the script or module that defines it (`file:///…`), if known. */
  url: string | undefined;
  /** Zero-based line and column of the definition. */
  line: number;
  column: number;
  /** Variables of enclosing function scopes the function's context can reach. */
  closureVars: string[];
  /** Variables of the enclosing module (imports and top-level declarations). */
  moduleVars: string[];
  /** True if defined at a module's top level (no enclosing function scope). */
  topLevel: boolean;
}

interface RemoteObject {
  objectId?: string;
  description?: string;
  value?: any;
}
interface PropertyDescriptor {
  name: string;
  value?: RemoteObject;
}

let session: Session | undefined | null;
const scripts = new Map<string, string>();

function connect(): Session | null {
  if (session !== undefined) return session;
  try {
    const require = createRequire(import.meta.url);
    const inspector = require('node:inspector') as typeof import('node:inspector');
    const s = new inspector.Session();
    s.connect();
    s.on('Debugger.scriptParsed', (m: { params: { scriptId: string; url: string } }) => {
      scripts.set(m.params.scriptId, m.params.url);
    });
    session = s;
  } catch {
    session = null;
  }
  return session;
}

function post<T>(s: Session, method: string, params?: object): T {
  let result: T | undefined;
  let error: Error | null = null;
  s.post(method, params ?? {}, (err, res) => {
    error = err;
    result = res as T;
  });
  if (error) throw error;
  if (result === undefined) throw new Error(`inspector did not answer ${method} synchronously`);
  return result;
}

function properties(
  s: Session,
  objectId: string,
): { result: PropertyDescriptor[]; internalProperties?: PropertyDescriptor[] } {
  return post(s, 'Runtime.getProperties', { objectId, ownProperties: true });
}

function scriptUrl(s: Session, scriptId: string): string | undefined {
  if (!scripts.has(scriptId)) {
    // Enabling the debugger replays `scriptParsed` for every script loaded so far.
    post(s, 'Debugger.enable');
    post(s, 'Debugger.disable');
  }
  return scripts.get(scriptId);
}

const PROBE = '__weftLocateProbe';

/** Asks V8 about `fn`; undefined if the inspector is unavailable. */
export function locate(fn: Function): FunctionInfo | undefined {
  const s = connect();
  if (!s) return undefined;
  const g = globalThis as Record<string, unknown>;
  g[PROBE] = fn;
  try {
    const { result } = post<{ result: RemoteObject }>(s, 'Runtime.evaluate', {
      expression: `globalThis.${PROBE}`,
      objectGroup: 'weft-locate',
    });
    const fnProps = properties(s, result.objectId!);
    const internal = fnProps.internalProperties ?? [];
    const location = internal.find((p) => p.name === '[[FunctionLocation]]')?.value?.value as
      | { scriptId: string; lineNumber: number; columnNumber: number }
      | undefined;
    const scopesId = internal.find((p) => p.name === '[[Scopes]]')?.value?.objectId;
    const info: FunctionInfo = {
      url: location ? scriptUrl(s, location.scriptId) : undefined,
      line: location?.lineNumber ?? 0,
      column: location?.columnNumber ?? 0,
      closureVars: [],
      moduleVars: [],
      topLevel: true,
    };
    if (scopesId) {
      for (const scope of properties(s, scopesId).result) {
        if (!/^\d+$/.test(scope.name) || !scope.value?.objectId) continue;
        const kind = scope.value.description ?? '';
        if (kind.startsWith('Global')) continue;
        const names = properties(s, scope.value.objectId).result.map((p) => p.name);
        if (kind.startsWith('Module') || kind.startsWith('Script')) info.moduleVars.push(...names);
        else {
          info.topLevel = false;
          info.closureVars.push(...names);
        }
      }
    }
    return info;
  } catch {
    return undefined;
  } finally {
    delete g[PROBE];
    try {
      post(s, 'Runtime.releaseObjectGroup', { objectGroup: 'weft-locate' });
    } catch {}
  }
}
