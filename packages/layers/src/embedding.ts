import { gatherRows, getBackend, NeuriteError, type Tensor } from '@neurite/core';
import type { InitializerSpec } from './initializers.js';
import { positiveInt } from './internal/validate.js';
import { type CallOptions, Layer, type LayerConfig, type Shape } from './layer.js';

export interface EmbeddingConfig extends LayerConfig {
  /** The vocabulary size: indices run from 0 to inputDim - 1. */
  inputDim: number;
  /** The length of each vector. */
  outputDim: number;
  /** The vectors' first values (default randomUniform in [-0.05, 0.05], as Keras). */
  embeddingsInitializer?: InitializerSpec;
}

// Backends whose tensors live in CPU memory: reading the indices there is a copy, not a GPU stall.
const CHECKED_ON = new Set(['cpu', 'wasm']);

/**
 * Turns integer indices into vectors: row `i` of the weight `embeddings` (`[inputDim, outputDim]`) for
 * each index `i`. An input `[batch, ...]` gives `[batch, ..., outputDim]`. Indices may come as int32 or
 * as floats, which are truncated to integers (as Keras casts them).
 *
 * An index outside [0, inputDim) is an error on cpu and wasm, where the layer reads the indices. On
 * webgpu it cannot read them without a synchronous GPU read (which Node lacks), so it does not check:
 * there an out-of-range index gives a vector of zeros, as TensorFlow does on a GPU.
 *
 * @example
 * ```ts
 * import { useBackend, tensor } from '@neurite/core';
 * import { Embedding } from '@neurite/layers';
 * await useBackend('cpu');
 * const embed = new Embedding({ inputDim: 10, outputDim: 4 });
 * const y = embed.apply(tensor([[1, 2, 3], [4, 5, 9]], undefined, 'int32'));
 * console.log(y.shape, embed.weight('embeddings').shape); // [2, 3, 4] [10, 4]
 * ```
 */
export class Embedding extends Layer<EmbeddingConfig> {
  static override className = 'Embedding';

  constructor(config: EmbeddingConfig) {
    super(config);
    positiveInt('Embedding', 'inputDim', config?.inputDim);
    positiveInt('Embedding', 'outputDim', config.outputDim);
  }

  override build(_inputShape: Shape): void {
    this.addWeight({
      name: 'embeddings',
      shape: [this.config.inputDim, this.config.outputDim],
      initializer: this.config.embeddingsInitializer ?? 'randomUniform',
    });
  }

  override call(x: Tensor, _options: CallOptions): Tensor {
    const ids = x.dtype === 'int32' ? x : x.cast('int32');
    if (CHECKED_ON.has(getBackend())) this.checkIndices(ids);
    // Not tfjs's gather: its gradient needs UnsortedSegmentSum, which wasm lacks (see gatherRows).
    return gatherRows(this.weight('embeddings'), ids);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return [...inputShape, this.config.outputDim];
  }

  // Any rank from 1 ([batch]) up; the weights do not depend on the input's shape, so unlike the base
  // check, the last axis may change between calls.
  protected override checkInput(shape: Shape): void {
    if (shape.length < 1) {
      throw new NeuriteError(
        `Embedding '${this.name}' expects indices with a batch dimension, e.g. [batch, steps]. Received shape []. ` +
          'Add a batch dimension, e.g. x.reshape([1]).',
      );
    }
  }

  private checkIndices(ids: Tensor): void {
    const n = this.config.inputDim;
    const values = ids.dataSync();
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v < 0 || v >= n) {
        throw new NeuriteError(
          `Embedding '${this.name}': index ${v} (input position ${i}, counting in row-major order) is outside ` +
            `[0, ${n - 1}]: inputDim is ${n}. Every index must be an integer from 0 to inputDim - 1: raise inputDim ` +
            'to cover the vocabulary, or map unknown tokens to a reserved index.',
        );
      }
    }
  }
}
