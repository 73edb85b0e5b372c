import { type FileOpenError, openRegularFile, readFully } from '@neurite/core/node';
import { UsageError } from '../errors.js';
import { inline } from '../terminal.js';

/** The largest --labels file read. */
const MAX_LABELS_BYTES = 16 * 2 ** 20;

/**
 * The --labels file: a JSON list of names, a JSON object from class index to name (as Keras and
 * Teachable Machine ship them), or a text file with one name per line. Read once, bounded; names are
 * strings (or numbers), at most 200 characters shown.
 */
export async function readLabels(
  command: string,
  path: string | undefined,
  classes: number,
): Promise<string[] | undefined> {
  if (path === undefined) return undefined;
  const bad = (why: string) => new UsageError(`${command}: --labels ${inline(path)}: ${why}.`);
  let opened: Awaited<ReturnType<typeof openRegularFile>>;
  try {
    opened = await openRegularFile(path);
  } catch (e) {
    const err = e as FileOpenError;
    throw bad(err.reason === 'missing' ? 'no such file' : err.kind ? `it is ${err.kind}` : err.message);
  }
  let text: string;
  try {
    if (opened.size > MAX_LABELS_BYTES) throw bad(`it has ${opened.size} bytes, more than ${MAX_LABELS_BYTES}`);
    const bytes = new Uint8Array(opened.size);
    await readFully(opened.handle, bytes);
    text = new TextDecoder().decode(bytes).replace(/^\uFEFF/, '');
  } finally {
    await opened.handle.close();
  }
  let parsed: unknown;
  let json = true;
  try {
    parsed = JSON.parse(text);
  } catch {
    json = false;
  }
  const name = (v: unknown, where: string) => {
    if (typeof v === 'string' || typeof v === 'number') return String(v).slice(0, 200);
    throw bad(`${where} is not a name (a string)`);
  };
  let names: string[];
  if (!json) {
    names = text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l.length > 0)
      .map((l) => l.slice(0, 200));
  } else if (Array.isArray(parsed)) {
    if (parsed.length !== classes) throw bad(`it names ${parsed.length} classes; the model's output has ${classes}`);
    names = parsed.map((v, i) => name(v, `entry ${i}`));
  } else if (typeof parsed === 'object' && parsed !== null) {
    const byIndex = parsed as Record<string, unknown>;
    names = Array.from({ length: classes }, (_, i) =>
      Object.hasOwn(byIndex, String(i)) ? name(byIndex[String(i)], `"${i}"`) : String(i),
    );
  } else throw bad('expected a list of names, an object from class index to name, or one name per line');
  if (names.length !== classes) throw bad(`it names ${names.length} classes; the model's output has ${classes}`);
  return names;
}
