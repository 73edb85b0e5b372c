import { NeuriteError, type Tensor } from '@neurite/core';
import { type CallOptions, Layer, type LayerConfig, type Shape } from './layer.js';

/** Options for Dot. */
export interface DotConfig extends LayerConfig {
  /** The axis of each input to sum over: one for both, or a pair. Negative counts from the end. */
  axes: number | [number, number];
  /** L2-normalise both inputs along those axes first, so the result is a cosine similarity (default false). */
  normalize?: boolean;
}

const show = (shape: Shape) => `[${shape.map((d) => d ?? 'null').join(', ')}]`;

/**
 * The dot product of two inputs, sample by sample, summed over one axis of each (Keras's Dot): two
 * `[batch, n]` inputs give `[batch, 1]`; `[batch, m, k]` and `[batch, n, k]` with `axes: 2` give
 * `[batch, m, n]`. With `normalize`, a cosine similarity.
 *
 * @example
 * ```ts
 * import { tensor2d, useBackend } from '@neurite/core';
 * import { Dot } from '@neurite/layers';
 * await useBackend('cpu');
 * const y = new Dot({ axes: 1 }).apply([tensor2d([[1, 2]]), tensor2d([[3, 5]])]);
 * console.log(y.shape, Array.from(await y.data())); // [ 1, 1 ] [ 13 ]
 * ```
 */
export class Dot extends Layer<DotConfig> {
  static override className = 'Dot';
  protected override arity = { min: 2, max: 2 };
  readonly axes: [number, number];
  readonly normalize: boolean;

  constructor(config: DotConfig) {
    super(config);
    const axes = typeof config?.axes === 'number' ? [config.axes, config.axes] : config?.axes;
    if (!Array.isArray(axes) || axes.length !== 2 || !axes.every((a) => Number.isInteger(a) && a !== 0)) {
      throw new NeuriteError(
        `Dot: axes must be a non-zero integer or a pair of them (axis 0 is the batch), e.g. { axes: 1 } or { axes: [2, 1] }. ` +
          `Received: axes=${JSON.stringify(config?.axes)}.`,
      );
    }
    this.axes = [axes[0], axes[1]];
    this.normalize = config.normalize ?? false;
    if (typeof this.normalize !== 'boolean') {
      throw new NeuriteError(
        `Dot: normalize must be true or false. Received: normalize=${JSON.stringify(config.normalize)}.`,
      );
    }
  }

  private resolve(shapes: Shape[]): [number, number] {
    return this.axes.map((a, i) => {
      const rank = shapes[i].length;
      const axis = a < 0 ? rank + a : a;
      if (axis < 1 || axis >= rank) {
        throw new NeuriteError(
          `Dot '${this.name}': axis ${a} does not exist in input ${i}, of shape ${show(shapes[i])} (axes 1 to ${rank - 1}).`,
        );
      }
      return axis;
    }) as [number, number];
  }

  override computeOutputShape(shapes: Shape[]): Shape {
    const [a, b] = this.resolve(shapes);
    const [x, y] = shapes;
    if (x[a] !== null && y[b] !== null && x[a] !== y[b]) {
      throw new NeuriteError(
        `Dot '${this.name}' sums over axis ${a} of input 0 ${show(x)} and axis ${b} of input 1 ${show(y)}, ` +
          `but they have ${x[a]} and ${y[b]} entries. Pick axes of the same size.`,
      );
    }
    const out: Shape = [null, ...x.slice(1).filter((_, k) => k + 1 !== a), ...y.slice(1).filter((_, k) => k + 1 !== b)];
    return out.length === 1 ? [null, 1] : out;
  }

  override call(xs: Tensor[], _options: CallOptions): Tensor {
    let [x, y] = xs;
    const [a, b] = this.resolve([x.shape, y.shape]);
    if (this.normalize) {
      const unit = (t: Tensor, axis: number) => t.div(t.square().sum(axis, true).maximum(1e-12).sqrt());
      x = unit(x, a);
      y = unit(y, b);
    }
    const batch = x.shape[0];
    // x as [batch, m, k] (the summed axis last), y as [batch, k, n] (the summed axis first), one matMul.
    const xOrder = [0, ...x.shape.map((_, k) => k).filter((k) => k > 0 && k !== a), a];
    const yOrder = [0, b, ...y.shape.map((_, k) => k).filter((k) => k > 0 && k !== b)];
    const xRest = xOrder.slice(1, -1).map((k) => x.shape[k]);
    const yRest = yOrder.slice(2).map((k) => y.shape[k]);
    const size = (s: number[]) => s.reduce((p, q) => p * q, 1);
    const xm = x.transpose(xOrder).reshape([batch, size(xRest), x.shape[a]]);
    const ym = y.transpose(yOrder).reshape([batch, y.shape[b], size(yRest)]);
    const out = xm.matMul(ym);
    const shape = [batch, ...xRest, ...yRest];
    return out.reshape(shape.length === 1 ? [batch, 1] : shape);
  }

  override getConfig(): DotConfig {
    return { ...super.getConfig(), axes: [...this.axes], normalize: this.normalize };
  }
}
