/**
 * How deeply a JSON text nests its arrays and objects, found by one scan without parsing it. Loaders
 * check it before JSON.parse: a few kilobytes of `[[[[...` parse fine, then overflow the stack of
 * whatever walks the result later (a save's JSON.stringify, a schedule's rebuild).
 *
 * @example
 * ```ts
 * import { jsonDepth } from '@neurite/core';
 * console.log(jsonDepth('{"a": [1, {"b": "[[["}]}')); // 3
 * ```
 */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) max = Math.max(max, ++depth);
    else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}
