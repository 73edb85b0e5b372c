import { NeuriteError, relu, step, type Tensor } from '@neurite/core';
import { show } from './internal/validate.js';
import { type CallOptions, Layer, type LayerConfig } from './layer.js';

export interface ReLUConfig extends LayerConfig {
  /** The largest output; null or absent for no cap (Keras's default). Non-negative. */
  maxValue?: number | null;
  /** The slope below the threshold (default 0). Non-negative. */
  negativeSlope?: number;
  /** Inputs above it pass; the rest get negativeSlope * (x - threshold) (default 0). Non-negative. */
  threshold?: number;
}

/** `<owner>: <key> must be a non-negative number. ...` unless it is a finite number >= 0. */
function nonNegative(owner: string, key: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new NeuriteError(
      `${owner}: ${key} must be a non-negative number, as in Keras. Received: ${key}=${typeof value === 'number' ? String(value) : show(value)}.`,
    );
  }
  return value;
}

/**
 * The rectified linear unit with Keras's options: f(x) = min(x, maxValue) for x > threshold, and
 * negativeSlope * (x - threshold) otherwise. With the defaults it is max(0, x).
 *
 * @example
 * ```ts
 * import { useBackend, tensor } from '@neurite/core';
 * import { ReLU } from '@neurite/layers';
 * await useBackend('cpu');
 * const x = tensor([[-2, 0.5, 3, 8]]);
 * console.log(Array.from(await new ReLU().apply(x).data())); // [ 0, 0.5, 3, 8 ]
 * console.log(Array.from(await new ReLU({ maxValue: 6, negativeSlope: 0.5, threshold: 1 }).apply(x).data()));
 * // [ -1.5, -0.25, 3, 6 ]
 * ```
 */
export class ReLU extends Layer<ReLUConfig> {
  static override className = 'ReLU';
  private readonly maxValue: number | null;
  private readonly negativeSlope: number;
  private readonly threshold: number;

  constructor(config: ReLUConfig = {}) {
    super(config);
    this.maxValue = config.maxValue == null ? null : nonNegative('ReLU', 'maxValue', config.maxValue);
    this.negativeSlope = nonNegative('ReLU', 'negativeSlope', config.negativeSlope ?? 0);
    this.threshold = nonNegative('ReLU', 'threshold', config.threshold ?? 0);
  }

  // Keras's composition: x where x > threshold (0 elsewhere), capped at maxValue, minus
  // negativeSlope * relu(threshold - x). step() (not greater()) makes the mask: it has a gradient (zero),
  // so the mask may lie on the path from the input to the loss.
  override call(x: Tensor, _options: CallOptions): Tensor {
    const t = this.threshold;
    let y = t === 0 ? relu(x) : x.mul(step(x.sub(t), 0));
    if (this.maxValue !== null) y = y.minimum(this.maxValue);
    if (this.negativeSlope !== 0) y = y.sub(relu(x.neg().add(t)).mul(this.negativeSlope));
    return y;
  }
}
