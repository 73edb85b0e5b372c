/** The path of the Node 24 binary tools/node24 installed (linux x64), or null where there is none. */
export function node24(): string | null;
