// The base of the element-wise merge layers (Add, Subtract, Multiply, Average, Maximum, Minimum): a
// list of tensors of one shape in, one tensor of that shape out. As in Keras, a dimension of size 1
// broadcasts against a larger one; any other difference is an error naming the inputs and the axis.
import { NeuriteError, type Tensor } from '@neurite/core';
import { type CallOptions, Layer, type LayerConfig, type Shape } from '../layer.js';

const show = (shape: Shape) => `[${shape.map((d) => d ?? 'null').join(', ')}]`;

export abstract class ElementwiseMerge extends Layer<LayerConfig> {
  protected override arity = { min: 2, max: Number.POSITIVE_INFINITY };

  /** Combines the inputs (already checked to have compatible shapes). */
  protected abstract merge(xs: Tensor[]): Tensor;

  override call(xs: Tensor[], _options: CallOptions): Tensor {
    return this.merge(xs);
  }

  override computeOutputShape(shapes: Shape[]): Shape {
    const rank = shapes[0].length;
    for (let i = 1; i < shapes.length; i++) {
      if (shapes[i].length !== rank) {
        throw new NeuriteError(
          `${this.className} '${this.name}' merges inputs of one shape, but input 0 is ${show(shapes[0])} (rank ${rank}) ` +
            `and input ${i} is ${show(shapes[i])} (rank ${shapes[i].length}). Reshape one of them, or use Concatenate.`,
        );
      }
    }
    const out: Shape = [null];
    for (let axis = 1; axis < rank; axis++) {
      let size: number | null = 1;
      let from = 0;
      for (let i = 0; i < shapes.length; i++) {
        const d = shapes[i][axis];
        if (d === 1) continue;
        if (d === null || size === null) {
          size = d === null ? (size === 1 ? null : size) : d;
          continue;
        }
        if (size !== 1 && d !== size) {
          throw new NeuriteError(
            `${this.className} '${this.name}' merges inputs of one shape, but input ${from} is ${show(shapes[from])} ` +
              `and input ${i} is ${show(shapes[i])}: axis ${axis} is ${size} in one and ${d} in the other. ` +
              'Make them agree (a 1x1 Conv2D or a Dense projection, as a residual block does), or use Concatenate.',
          );
        }
        size = d;
        from = i;
      }
      out.push(size);
    }
    return out;
  }
}
