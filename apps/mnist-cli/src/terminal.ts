// Output for a terminal. Names in a model file, file names and error messages can carry escape
// sequences (a model named "\x1b]0;pwned\x07" retitles the window, "\x1b[2J" clears the screen); every
// line the CLI prints goes through printable(), which shows control characters as \x.. escapes instead.

/** C0 controls (tab and newline allowed unless oneLine), DEL, C1 controls, and the bidi overrides. */
function isControl(code: number, oneLine: boolean): boolean {
  if (code <= 0x1f) return oneLine || (code !== 0x09 && code !== 0x0a);
  return (code >= 0x7f && code <= 0x9f) || (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069);
}

/** `text` with control characters escaped; with `oneLine`, newlines and tabs too. */
export function printable(text: string, options: { oneLine?: boolean } = {}): string {
  let out = '';
  for (const c of String(text)) {
    const code = c.charCodeAt(0);
    if (!isControl(code, options.oneLine ?? false)) out += c;
    else out += code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  }
  return out;
}

// `neurite-mnist train | head -2`: once the reader is gone, writing fails with EPIPE. Training goes on
// (its checkpoints matter more than its log), silently, instead of dying on an unhandled error.
let stdoutClosed = false;
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    if (stream === process.stdout) stdoutClosed = true;
  });
}

/** Prints a line (or several) to stdout, escaped. */
export function print(text = ''): void {
  if (!stdoutClosed) process.stdout.write(`${printable(text)}\n`);
}

/** A name or path inside a printed line: every control character escaped, newlines and tabs too. */
export const inline = (text: string): string => printable(text, { oneLine: true });

/**
 * A path as one word a shell would read back (for a command the user is told to run): plain when it is
 * made of safe characters, else single-quoted, with control characters escaped so it stays one line.
 */
export function shellWord(text: string): string {
  if (/^[A-Za-z0-9_./:@%+=,-]+$/.test(text)) return text;
  return `'${inline(text).replace(/'/g, "'\\''")}'`;
}
