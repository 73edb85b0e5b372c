import type { Server } from 'node:http';
/** A static file server over dist/, on 127.0.0.1 (port 0 picks a free one). */
export declare function serve(port?: number): Promise<Server>;
