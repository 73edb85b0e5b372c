// Reads the IDX file named on the command line with readIdxFile, for the fuzz suite: its type and
// dimensions on stdout; a NeuriteError is one line on stderr and exit 1, anything else exit 3.
import { NeuriteError } from '@neurite/core';
import { readIdxFile } from '@neurite/datasets';

try {
  const idx = await readIdxFile(process.argv[2]);
  console.log(idx.type, idx.dims.join('x'));
} catch (e) {
  if (!(e instanceof NeuriteError)) {
    process.stderr.write(`unexpected error: ${e?.stack}\n`);
    process.exit(3);
  }
  process.stderr.write(`neurite-mnist: ${e.message}\n`);
  process.exit(1);
}
