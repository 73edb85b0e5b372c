// Serves the built site for local reading: node apps/docs/serve.mjs [port] [dir] (default 4173, ./dist).
// Every answer is cross-origin isolated (COOP/COEP), as the built site's _headers asks of a host: the
// in-page trainer needs SharedArrayBuffer for wasm threads.
import { createReadStream, existsSync, realpathSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const defaultDist = fileURLToPath(new URL('./dist/', import.meta.url));
const ISOLATED = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };
const types = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

/** A static file server over `dir` (default dist/), on 127.0.0.1. Returns the server (listening). */
export function serve(port = 4173, dir = defaultDist) {
  if (!existsSync(dir))
    console.warn(`docs server: ${resolve(dir)} does not exist: build the site first (pnpm run docs).`);
  const dist = resolve(dir);
  /** Whether `file`, with every link followed, lies inside the served folder. */
  const within = (file) => {
    let rel;
    try {
      rel = relative(realpathSync(dist), realpathSync(file));
    } catch {
      return false;
    }
    return rel !== '..' && !rel.startsWith(`..${sep}`) && !rel.startsWith(sep) && !/^[A-Za-z]:/.test(rel);
  };
  const server = createServer((req, res) => {
    let path;
    try {
      path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    } catch {
      // A malformed URL (a lone '%', an invalid escape) is the client's mistake: answer it, keep serving.
      res.writeHead(400, { 'content-type': 'text/plain' }).end('bad request: malformed URL');
      return;
    }
    if (path.includes('\0')) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('bad request: malformed URL');
      return;
    }
    path = path.replace(/^(\.\.[/\\])+/, '');
    let file = join(dist, path);
    const isFile = (f) => existsSync(f) && statSync(f).isFile();
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!isFile(file) && isFile(`${file}.html`)) file = `${file}.html`;
    // Links are followed before the check: a symlink inside dist/ cannot serve a file from outside it.
    if (!isFile(file) || !within(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream', ...ISOLATED });
    createReadStream(file)
      .on('error', () => res.destroy())
      .pipe(res);
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.argv[2] ?? 4173);
  await serve(port, process.argv[3]);
  console.log(`Neurite docs at http://127.0.0.1:${port}/ (Ctrl-C to stop)`);
}
