// Preload for tests (node --import): when the process exits, writes its peak resident memory in KB
// (process.resourceUsage().maxRSS) to the file named in NEURITE_MAXRSS_FILE.
import { writeFileSync } from 'node:fs';

const file = process.env.NEURITE_MAXRSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
