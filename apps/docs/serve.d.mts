import type { Server } from 'node:http';
/** A static file server over `dir` (default dist/), on 127.0.0.1 (port 0 picks a free one), cross-origin isolated. */
export declare function serve(port?: number, dir?: string): Promise<Server>;
