import { clipByValue, maximum, NeuriteError, type Tensor } from '@neurite/core';
import { positive } from './validate.js';

export interface ClipOptions {
  clipValue?: number;
  clipNorm?: number;
  globalClipNorm?: number;
}

/**
 * Keras's clipping, run inside the update's tidy: `g * c / max(norm, c)` per tensor (clipNorm) or with the
 * norm of all gradients concatenated (globalClipNorm), then elementwise to [-clipValue, clipValue].
 * Unlike Keras, which applies only the first of the three that is set, clipValue composes with a norm clip.
 */
export function clipGradients(grads: Tensor[], options: ClipOptions): Tensor[] {
  const { clipValue, clipNorm, globalClipNorm } = options;
  let out = grads;
  if (clipNorm !== undefined) {
    out = out.map((g) => g.mul(clipNorm).div(maximum(g.square().sum().sqrt(), clipNorm)));
  } else if (globalClipNorm !== undefined && out.length > 0) {
    const norm = out
      .map((g) => g.square().sum())
      .reduce((a, b) => a.add(b))
      .sqrt();
    const denominator = maximum(norm, globalClipNorm);
    out = out.map((g) => g.mul(globalClipNorm).div(denominator));
  }
  if (clipValue !== undefined) out = out.map((g) => clipByValue(g, -clipValue, clipValue));
  return out;
}

/** Validates the thresholds (each > 0 when set; clipNorm and globalClipNorm exclusive, as in Keras). */
export function checkClipOptions(owner: string, o: ClipOptions): ClipOptions {
  const fix = 'Pass a positive threshold, or leave it out to not clip.';
  const check = (key: keyof ClipOptions) => (o[key] === undefined ? undefined : positive(owner, key, o[key], fix));
  const out = { clipValue: check('clipValue'), clipNorm: check('clipNorm'), globalClipNorm: check('globalClipNorm') };
  if (out.clipNorm !== undefined && out.globalClipNorm !== undefined) {
    throw new NeuriteError(
      `${owner}: only one of clipNorm and globalClipNorm can be set. Received: clipNorm=${out.clipNorm}, ` +
        `globalClipNorm=${out.globalClipNorm}. Keep clipNorm to clip each tensor, globalClipNorm to clip all together.`,
    );
  }
  return out;
}
