// Preloaded into every process the fuzz suite starts (node --import): records the real path of every
// file the program opens through fs (read back from /proc/self/fd, so a symbolic link shows where it
// led), one per line, in the file named by NEURITE_FUZZ_OPEN_LOG, and the peak resident memory at exit.
// Node loads its own modules through internal bindings, so the log holds what the program opened.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

const log = process.env.NEURITE_FUZZ_OPEN_LOG;
if (log) {
  const out = fs.openSync(log, 'a');
  const { readlinkSync, realpathSync, writeSync } = fs;
  const viaFd = (fd) => {
    try {
      writeSync(out, `${readlinkSync(`/proc/self/fd/${fd}`)}\n`);
    } catch {}
  };
  const viaPath = (p) => {
    if (typeof p !== 'string' && !(p instanceof URL)) return;
    try {
      writeSync(out, `${realpathSync(p)}\n`);
    } catch {}
  };
  const { openSync, readFileSync, open, readFile, createReadStream } = fs;
  fs.openSync = (...a) => {
    const fd = openSync(...a);
    viaFd(fd);
    return fd;
  };
  fs.readFileSync = (p, ...a) => {
    const r = readFileSync(p, ...a);
    viaPath(p);
    return r;
  };
  fs.open = (p, ...a) => {
    const cb = a.pop();
    return open(p, ...a, (err, fd) => {
      if (!err) viaFd(fd);
      cb(err, fd);
    });
  };
  fs.readFile = (p, ...a) => {
    const cb = a.pop();
    return readFile(p, ...a, (err, data) => {
      if (!err) viaPath(p);
      cb(err, data);
    });
  };
  fs.createReadStream = (...a) => createReadStream(...a).on('open', viaFd);
  const p = fs.promises;
  const { open: pOpen, readFile: pReadFile } = p;
  p.open = async (...a) => {
    const h = await pOpen(...a);
    viaFd(h.fd);
    return h;
  };
  p.readFile = async (path, ...a) => {
    const r = await pReadFile(path, ...a);
    viaPath(path);
    return r;
  };
  syncBuiltinESMExports();
  process.on('exit', () => writeSync(out, `#maxrss ${process.resourceUsage().maxRSS}\n`));
}
