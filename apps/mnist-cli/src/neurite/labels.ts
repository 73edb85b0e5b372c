import { UsageError } from '../errors.js';
import { readJsonFile } from '../io.js';
import { inline } from '../terminal.js';

/**
 * The --labels file: a JSON list of names, a JSON object from class index to name (as Keras and
 * Teachable Machine ship them), or a text file with one name per line.
 */
export async function readLabels(
  command: string,
  path: string | undefined,
  classes: number,
): Promise<string[] | undefined> {
  if (path === undefined) return undefined;
  const bad = (why: string) => new UsageError(`${command}: --labels ${inline(path)}: ${why}.`);
  let names: string[] | undefined;
  const json = await readJsonFile<unknown>(path, { maxBytes: 16 * 2 ** 20 });
  if (json.ok) {
    const v = json.value as unknown;
    if (Array.isArray(v)) names = v.map(String);
    else if (typeof v === 'object' && v !== null) {
      names = Array.from({ length: classes }, (_, i) => String((v as Record<string, unknown>)[String(i)] ?? i));
    } else throw bad('expected a list of names or an object from class index to name');
  } else if (json.missing) {
    throw bad('no such file');
  } else if (/not valid JSON/.test(json.reason)) {
    const { readFile } = await import('node:fs/promises');
    names = (await readFile(path, 'utf8'))
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l.length > 0);
  } else throw bad(json.reason);
  if (names.length !== classes) throw bad(`it names ${names.length} classes; the model's output has ${classes}`);
  return names.map((n) => n.slice(0, 200));
}
