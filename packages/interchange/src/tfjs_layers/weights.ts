// The weights manifest of a layers model: checked against the shard files' sizes before a byte is read,
// and decoded to float32 (plain, int32, or quantized to uint8 / uint16 / float16).
import { show } from './settings.js';

/** One entry of `weightsManifest[].weights`, checked. */
export interface ManifestEntry {
  name: string;
  shape: number[];
  /** The stored element type: the quantized one when quantized. */
  stored: 'float32' | 'int32' | 'uint8' | 'uint16' | 'float16' | 'bool';
  /** For affine quantization: value = q * scale + min. */
  scale?: number;
  min?: number;
  /** Which group (shard set) holds it, and where in that group's bytes. */
  group: number;
  byteOffset: number;
  byteLength: number;
}

export interface Manifest {
  entries: ManifestEntry[];
  /** Each group's shard file names, in order, and its total bytes. */
  groups: { paths: string[]; bytes: number }[];
}

export class ManifestError extends Error {}

const BYTES = { float32: 4, int32: 4, uint8: 1, uint16: 2, float16: 2, bool: 1 } as const;
/** The most shard files a manifest may name, and the most weights it may list. */
const MAX_SHARDS = 10_000;
const MAX_ENTRIES = 100_000;

function bad(what: string): never {
  throw new ManifestError(what);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks `weightsManifest` and lays its entries out in its groups' bytes. `maxBytes` bounds the sum of
 * the weights as float32 (what they take once read, quantized or not), so nothing larger is ever read
 * or made.
 */
export function readManifest(manifest: unknown, maxBytes: number): Manifest {
  if (!Array.isArray(manifest) || manifest.length > 10_000)
    bad('weightsManifest must be a list of { paths, weights } groups.');
  const entries: ManifestEntry[] = [];
  const groups: Manifest['groups'] = [];
  const names = new Set<string>();
  let total = 0;
  let paths = 0;
  let count = 0;
  (manifest as unknown[]).forEach((g, gi) => {
    const where = `weightsManifest[${gi}]`;
    if (!isObject(g) || !Array.isArray(g.paths) || !Array.isArray(g.weights))
      bad(`${where} must be { paths, weights }.`);
    paths += (g.paths as unknown[]).length;
    if (paths > MAX_SHARDS)
      bad(`the manifest names more than ${MAX_SHARDS} shard files (a model of 256 MiB in 4 MB shards has 64).`);
    count += (g.weights as unknown[]).length;
    if (count > MAX_ENTRIES) bad(`the manifest lists more than ${MAX_ENTRIES} weights.`);
    const groupPaths = (g.paths as unknown[]).map((p, i) =>
      typeof p === 'string' && p.length > 0 && p.length <= 500
        ? p
        : bad(`${where}.paths[${i}] must be a file name. Received: ${show(p)}.`),
    );
    let offset = 0;
    (g.weights as unknown[]).forEach((w, wi) => {
      const at = `${where}.weights[${wi}]`;
      if (!isObject(w) || typeof w.name !== 'string' || w.name.length === 0 || w.name.length > 500) {
        bad(`${at} must be { name, shape, dtype }.`);
      }
      const name = w.name as string;
      if (names.has(name)) bad(`${at}: the weight '${show(name)}' is listed twice.`);
      names.add(name);
      const shape = w.shape;
      if (
        !Array.isArray(shape) ||
        shape.length > 8 ||
        !shape.every((d) => Number.isInteger(d) && d >= 0 && d <= 2 ** 31)
      ) {
        bad(
          `${at} ('${show(name)}'): shape must be a list of at most 8 non-negative integers. Received: ${show(shape)}.`,
        );
      }
      const n = (shape as number[]).reduce((a, b) => a * b, 1);
      const q = w.quantization;
      let stored: ManifestEntry['stored'];
      let scale: number | undefined;
      let min: number | undefined;
      if (q !== undefined && q !== null) {
        if (!isObject(q) || !['uint8', 'uint16', 'float16'].includes(q.dtype as string)) {
          bad(`${at} ('${show(name)}'): quantization.dtype must be uint8, uint16 or float16. Received: ${show(q)}.`);
        }
        stored = (q as { dtype: 'uint8' | 'uint16' | 'float16' }).dtype;
        if (stored !== 'float16') {
          const s = (q as Record<string, unknown>).scale;
          const m = (q as Record<string, unknown>).min;
          if (typeof s !== 'number' || typeof m !== 'number' || !Number.isFinite(s) || !Number.isFinite(m)) {
            bad(`${at} ('${show(name)}'): ${stored} quantization needs finite scale and min. Received: ${show(q)}.`);
          }
          scale = s as number;
          min = m as number;
        }
        if (w.dtype !== 'float32')
          bad(`${at} ('${show(name)}'): only float32 weights are quantized. Received dtype ${show(w.dtype)}.`);
      } else {
        if (!['float32', 'int32', 'bool'].includes(w.dtype as string)) {
          bad(`${at} ('${show(name)}'): dtype must be float32, int32 or bool. Received: ${show(w.dtype)}.`);
        }
        stored = w.dtype as ManifestEntry['stored'];
      }
      const byteLength = n * BYTES[stored];
      // Counted as they are held once read, float32: a uint8 file of 64 MiB holds 256 MiB of weights.
      total += n * 4;
      if (!(total <= maxBytes)) {
        bad(
          `the weights take more than ${maxBytes} bytes as float32 (the limit; raise maxBytes to read a larger model).`,
        );
      }
      entries.push({ name, shape: shape as number[], stored, scale, min, group: gi, byteOffset: offset, byteLength });
      offset += byteLength;
    });
    groups.push({ paths: groupPaths, bytes: offset });
  });
  return { entries, groups };
}

// IEEE half -> single.
function half(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? Number.NaN : s * Number.POSITIVE_INFINITY;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/** One entry's values as float32, from its group's bytes. */
export function decodeEntry(e: ManifestEntry, group: Uint8Array): Float32Array {
  const view = new DataView(group.buffer, group.byteOffset + e.byteOffset, e.byteLength);
  const n = e.byteLength / BYTES[e.stored];
  const out = new Float32Array(n);
  const scale = e.scale ?? 1;
  const min = e.min ?? 0;
  switch (e.stored) {
    case 'float32':
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true);
      break;
    case 'int32':
      for (let i = 0; i < n; i++) out[i] = view.getInt32(i * 4, true);
      break;
    case 'bool':
      for (let i = 0; i < n; i++) out[i] = view.getUint8(i) ? 1 : 0;
      break;
    case 'uint8':
      for (let i = 0; i < n; i++) out[i] = view.getUint8(i) * scale + min;
      break;
    case 'uint16':
      for (let i = 0; i < n; i++) out[i] = view.getUint16(i * 2, true) * scale + min;
      break;
    case 'float16':
      for (let i = 0; i < n; i++) out[i] = half(view.getUint16(i * 2, true));
      break;
  }
  return out;
}

/** Concatenates a group's shard files into its bytes, after checking they add up to what it lists. */
export function joinShards(group: Manifest['groups'][number], shards: Uint8Array[], gi: number): Uint8Array {
  const got = shards.reduce((a, s) => a + s.byteLength, 0);
  if (got !== group.bytes) {
    throw new ManifestError(
      `weight group ${gi} (${group.paths.join(', ')}) has ${got} bytes; its manifest entries need ${group.bytes} ` +
        '(a shard is missing, truncated, or from another model).',
    );
  }
  if (shards.length === 1) return shards[0] as Uint8Array;
  const out = new Uint8Array(got);
  let at = 0;
  for (const s of shards) {
    out.set(s, at);
    at += s.byteLength;
  }
  return out;
}
