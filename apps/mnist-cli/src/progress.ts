import type { ProgressEvent } from '@neurite/model';

function time(s: number): string {
  if (!Number.isFinite(s)) return '--:--';
  const m = Math.floor(s / 60);
  return `${m}:${String(Math.round(s % 60)).padStart(2, '0')}`;
}

/**
 * Renders progress events: a bar redrawn in place on a terminal, plain lines (one per tenth of an
 * epoch) when the output is a pipe or a file.
 */
export function progressPrinter(stream: NodeJS.WriteStream = process.stdout): (e: ProgressEvent) => void {
  const tty = Boolean(stream.isTTY);
  let lastTenth = -1;
  return (e) => {
    if (e.kind === 'epochBegin') {
      lastTenth = -1;
      return;
    }
    if (e.kind === 'epochEnd') {
      if (tty) stream.write('\r\x1b[K');
      return;
    }
    const frac = e.batches ? e.batch / e.batches : 0;
    const acc = e.logs.accuracy !== undefined ? ` acc ${(e.logs.accuracy * 100).toFixed(1)}%` : '';
    const text =
      `epoch ${e.epoch}/${e.epochs} ${String(e.batch).padStart(String(e.batches).length)}/${e.batches}` +
      ` loss ${e.logs.loss.toFixed(4)}${acc} ${Math.round(e.samplesPerSecond)} samples/s ETA ${time(e.etaSeconds)}`;
    if (tty) {
      const width = 24;
      const done = Math.round(frac * width);
      stream.write(
        `\r\x1b[K[${'='.repeat(done)}${done < width ? '>' : ''}${' '.repeat(Math.max(0, width - done - 1))}] ${text}`,
      );
    } else {
      const tenth = Math.floor(frac * 10);
      if (tenth > lastTenth) {
        lastTenth = tenth;
        stream.write(`${text}\n`);
      }
    }
  };
}
