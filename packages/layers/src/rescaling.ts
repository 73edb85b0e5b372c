import { NeuriteError, type Tensor, tensor1d } from '@neurite/core';
import { show } from './internal/validate.js';
import { type CallOptions, Layer, type LayerConfig, type Shape } from './layer.js';

export interface RescalingConfig extends LayerConfig {
  /** Multiplies the input: a number, or one per channel (the last axis). */
  scale: number | number[];
  /** Added after scaling: a number, or one per channel (default 0). */
  offset?: number | number[];
}

function numbers(key: string, value: unknown): number | number[] {
  const ok = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  if (ok(value)) return value as number;
  if (Array.isArray(value) && value.length > 0 && value.every(ok)) return value as number[];
  throw new NeuriteError(
    `Rescaling: ${key} must be a finite number or a non-empty list of them (one per channel), e.g. 1 / 255 or ` +
      `[0.5, 0.5, 0.5]. Received: ${key}=${show(value)}.`,
  );
}

/**
 * Computes `x * scale + offset`, as Keras's Rescaling: e.g. `scale: 1 / 255` maps pixels to [0, 1], and
 * `scale: 1 / 127.5, offset: -1` to [-1, 1]. A list gives one value per channel (the last axis).
 *
 * @example
 * ```ts
 * import { useBackend, tensor } from '@neurite/core';
 * import { Rescaling } from '@neurite/layers';
 * await useBackend('cpu');
 * const layer = new Rescaling({ scale: 1 / 127.5, offset: -1 });
 * console.log(Array.from(await layer.apply(tensor([[0, 127.5, 255]])).data())); // [ -1, 0, 1 ]
 * ```
 */
export class Rescaling extends Layer<RescalingConfig> {
  static override className = 'Rescaling';
  private readonly scale: number | number[];
  private readonly offset: number | number[];

  constructor(config: RescalingConfig) {
    super(config);
    this.scale = numbers('scale', config?.scale);
    this.offset = numbers('offset', config.offset ?? 0);
  }

  override call(x: Tensor, _options: CallOptions): Tensor {
    const value = (v: number | number[]) => (typeof v === 'number' ? v : tensor1d(v));
    const y = x.dtype === 'float32' ? x : x.cast('float32');
    return y.mul(value(this.scale)).add(value(this.offset));
  }

  protected override checkInput(shape: Shape): void {
    super.checkInput(shape);
    const last = shape[shape.length - 1];
    for (const [key, v] of [
      ['scale', this.scale],
      ['offset', this.offset],
    ] as const) {
      if (Array.isArray(v) && v.length !== 1 && (shape.length < 2 || (last !== null && last !== v.length))) {
        throw new NeuriteError(
          `Rescaling '${this.name}': ${key} has ${v.length} values, one per channel, but the input's last axis ` +
            `has ${shape.length < 2 ? 'no channels' : last}. Received shape [${shape.map((d) => d ?? 'null').join(', ')}]. ` +
            `Give one ${key} per channel, or a single number.`,
        );
      }
    }
  }
}
