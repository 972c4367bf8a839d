/**
 * A small JavaScript scanner that lists the names a function's source uses and declares.
 *
 * It is not a parser: it skips strings, comments, regular expressions and template text,
 * drops property names (`a.b`, `a?.b`, object keys `{ b: … }`), and treats any name after
 * `let`/`const`/`var`/`function`/`class`, in a parameter list, or in a `catch` clause as
 * declared. That is enough to tell which outer variables a function refers to, which is the
 * question asked before shipping a function's source to another thread: the answer is
 * intersected with the names V8 reports in the function's enclosing scopes, so a name that is
 * only a global, or only local, never triggers an error.
 */

const KEYWORDS = new Set(
  (
    'break case catch class const continue debugger default delete do else export extends false finally for ' +
    'function if import in instanceof new null return super switch this throw true try typeof var void while ' +
    'with yield let static await async of get set undefined arguments'
  ).split(' '),
);

/** Names a function's source uses and names it declares. */
export interface Names {
  used: Set<string>;
  declared: Set<string>;
}

const IDENT_START = /[A-Za-z_$\u0080-\uffff]/;
const IDENT_PART = /[\w$\u0080-\uffff]/;

/** Scans `source`, the text of one function. */
export function scanNames(source: string): Names {
  const used = new Set<string>();
  const declared = new Set<string>();
  const n = source.length;
  let i = 0;
  let prev = ''; // previous significant token
  let declaring = false; // after let/const/var until `=` or `;` at the same depth
  let declDepth = 0;
  let depth = 0;
  let parenDepthForParams = -1;
  const templateDepth: number[] = [];

  const regexAllowed = (): boolean =>
    prev === '' || /^[(,=:[!&|?{};+\-*%<>~^]$/.test(prev) || KEYWORDS.has(prev);

  while (i < n) {
    const c = source[i]!;
    if (c === '/' && source[i + 1] === '/') {
      while (i < n && source[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && source[i + 1] === '*') {
      const end = source.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
      continue;
    }
    if (c === '"' || c === "'") {
      i++;
      while (i < n && source[i] !== c) i += source[i] === '\\' ? 2 : 1;
      i++;
      prev = 'str';
      continue;
    }
    if (
      c === '`' ||
      (c === '}' && templateDepth.length && templateDepth[templateDepth.length - 1] === depth)
    ) {
      if (c === '}') templateDepth.pop();
      i++;
      while (i < n && source[i] !== '`') {
        if (source[i] === '\\') i += 2;
        else if (source[i] === '$' && source[i + 1] === '{') {
          i += 2;
          templateDepth.push(depth);
          break;
        } else i++;
      }
      if (source[i] === '`') i++;
      prev = 'str';
      continue;
    }
    if (c === '/' && regexAllowed()) {
      i++;
      let inClass = false;
      while (i < n && (source[i] !== '/' || inClass)) {
        if (source[i] === '\\') i++;
        else if (source[i] === '[') inClass = true;
        else if (source[i] === ']') inClass = false;
        i++;
      }
      i++;
      while (i < n && IDENT_PART.test(source[i]!)) i++;
      prev = 'regex';
      continue;
    }
    if (IDENT_START.test(c)) {
      let j = i + 1;
      while (j < n && IDENT_PART.test(source[j]!)) j++;
      const word = source.slice(i, j);
      let k = j;
      while (k < n && /\s/.test(source[k]!)) k++;
      const next = source[k];
      const isProperty = prev === '.' || prev === '?.';
      const isKey = next === ':' && (prev === '{' || prev === ',') && !declaring;
      if (word === 'let' || word === 'const' || word === 'var') {
        declaring = true;
        declDepth = depth;
      } else if (word === 'function' || word === 'class') {
        if (next && IDENT_START.test(next)) {
          let e = k + 1;
          while (e < n && IDENT_PART.test(source[e]!)) e++;
          declared.add(source.slice(k, e));
          i = e;
          prev = 'name';
          if (word === 'function') parenDepthForParams = depth;
          continue;
        }
        if (word === 'function') parenDepthForParams = depth;
      } else if (word === 'catch') {
        parenDepthForParams = depth;
      } else if (!KEYWORDS.has(word) && !isProperty && !isKey) {
        if (declaring || depth === parenDepthForParams + 1) declared.add(word);
        else if (next === '=' && source[k + 1] === '>')
          declared.add(word); // `x => …`
        else used.add(word);
      }
      prev = word;
      i = j;
      continue;
    }
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    // punctuation
    if (c === '?' && source[i + 1] === '.') {
      prev = '?.';
      i += 2;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') {
      if (c === '(' && prev === 'name' && parenDepthForParams < 0) parenDepthForParams = depth;
      depth++;
    } else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (c === ')' && depth === parenDepthForParams) parenDepthForParams = -1;
    } else if ((c === '=' && source[i + 1] !== '=' && source[i + 1] !== '>') || c === ';') {
      if (declaring && depth === declDepth) declaring = false;
    }
    prev = c;
    i++;
  }
  // Arrow parameters: `(a, b) => …` and `async (a) => …` at the start of the source.
  const arrow = /^\s*(?:async\s*)?\(([^)]*)\)\s*=>/.exec(source);
  if (arrow) for (const m of arrow[1]!.matchAll(/[A-Za-z_$][\w$]*/g)) declared.add(m[0]);
  const plain = /^\s*(?:async\s+)?([A-Za-z_$][\w$]*)\s*=>/.exec(source);
  if (plain) declared.add(plain[1]!);
  const params = /^\s*(?:async\s+)?(?:function\s*\*?\s*[\w$]*\s*|[\w$]+\s*)\(([^)]*)\)/.exec(
    source,
  );
  if (params) for (const m of params[1]!.matchAll(/[A-Za-z_$][\w$]*/g)) declared.add(m[0]);
  return { used, declared };
}

/** Names `source` uses that are in `outer` and not declared inside it. */
export function capturedNames(source: string, outer: Iterable<string>): string[] {
  const { used, declared } = scanNames(source);
  const captured: string[] = [];
  for (const name of new Set(outer)) if (used.has(name) && !declared.has(name)) captured.push(name);
  return captured;
}
