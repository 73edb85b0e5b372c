import type { Sample } from '../sample.js';
import { createRng, permutation } from './prng.js';

type Source = AsyncIterable<Sample> | Iterable<Sample>;

/** Every sample of `source` in a seeded random order (holds them all: views, not copies, for arrays). */
export async function* fullShuffle(source: Source, seed: number): AsyncGenerator<Sample> {
  const all: Sample[] = [];
  for await (const s of source) all.push(s);
  const order = permutation(all.length, seed);
  for (let i = 0; i < order.length; i++) yield all[order[i]];
}

/**
 * tf.data's shuffle buffer: holds `size` samples and yields a random one of them as each new sample
 * arrives, so memory stays bounded for sources of unknown or unbounded length.
 */
export async function* bufferedShuffle(source: Source, seed: number, size: number): AsyncGenerator<Sample> {
  const rng = createRng(seed);
  const buffer: Sample[] = [];
  for await (const s of source) {
    if (buffer.length < size) {
      buffer.push(s);
      continue;
    }
    const j = rng.int(size);
    yield buffer[j];
    buffer[j] = s;
  }
  const order = permutation(buffer.length, rng.int(2 ** 31));
  for (let i = 0; i < order.length; i++) yield buffer[order[i]];
}
