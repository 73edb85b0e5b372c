import { NeuriteError, randomNormal, type Tensor } from '@neurite/core';
import {
  type ActivationName,
  type CallOptions,
  getActivation,
  Layer,
  type LayerConfig,
  type Shape,
} from '@neurite/layers';

export interface NoisyDenseConfig extends LayerConfig {
  /** Number of outputs. */
  units: number;
  /** Applied to the output; default linear. */
  activation?: ActivationName;
  /** Initial noise scale: each sigma starts at sigma0 / sqrt(inputs). Default 0.5. */
  sigma0?: number;
}

// f(x) = sign(x) sqrt(|x|): shapes the factorised noise so each weight's noise has unit-ish variance.
const shapeNoise = (e: Tensor) => e.sign().mul(e.abs().sqrt());

/**
 * A Dense layer whose weights carry learned Gaussian noise in training (NoisyNet, Fortunato et al. 2018,
 * factorised noise): y = x (mu_W + sigma_W * eps_W) + mu_b + sigma_b * eps_b, with eps_W = f(eps_in) f(eps_out)^T.
 * At inference the noise is off: y = x mu_W + mu_b. The sigmas are trained with everything else, so the
 * network learns how much noise each weight should keep.
 *
 * @example
 * ```ts
 * import { useBackend, ones, setSeed } from '@neurite/core';
 * import { NoisyDense } from '@neurite/layer-noisy-dense';
 * await useBackend('cpu');
 * setSeed(1);
 * const layer = new NoisyDense({ units: 2 });
 * console.log(layer.apply(ones([1, 3]), { training: true }).shape, layer.countParams()); // [1, 2] 16
 * ```
 */
export class NoisyDense extends Layer<NoisyDenseConfig> {
  static override className = 'NoisyDense';
  protected override inputRank = { rank: 2, description: '[batch, features]' };

  constructor(config: NoisyDenseConfig) {
    super(config);
    const { units, sigma0 = 0.5 } = config ?? ({} as NoisyDenseConfig);
    if (!Number.isInteger(units) || units <= 0) {
      throw new NeuriteError(`NoisyDense: units must be a positive integer. Received: units=${JSON.stringify(units)}.`);
    }
    if (typeof sigma0 !== 'number' || !(sigma0 >= 0)) {
      throw new NeuriteError(`NoisyDense: sigma0 must be a number >= 0. Received: sigma0=${JSON.stringify(sigma0)}.`);
    }
    getActivation(config.activation);
  }

  override build(inputShape: Shape): void {
    const inputs = inputShape[1] as number;
    const { units, sigma0 = 0.5 } = this.config;
    const bound = 1 / Math.sqrt(inputs);
    const mu = { className: 'randomUniform' as const, config: { minval: -bound, maxval: bound } };
    const sigma = { className: 'constant' as const, config: { value: sigma0 / Math.sqrt(inputs) } };
    this.addWeight({ name: 'kernelMu', shape: [inputs, units], initializer: mu });
    this.addWeight({ name: 'kernelSigma', shape: [inputs, units], initializer: sigma });
    this.addWeight({ name: 'biasMu', shape: [units], initializer: mu });
    this.addWeight({ name: 'biasSigma', shape: [units], initializer: sigma });
  }

  override call(x: Tensor, { training }: CallOptions): Tensor {
    let kernel: Tensor = this.weight('kernelMu');
    let bias: Tensor = this.weight('biasMu');
    if (training) {
      const inputs = kernel.shape[0];
      const epsIn = shapeNoise(randomNormal([inputs, 1]));
      const epsOut = shapeNoise(randomNormal([1, this.config.units]));
      kernel = kernel.add(this.weight('kernelSigma').mul(epsIn.mul(epsOut)));
      bias = bias.add(this.weight('biasSigma').mul(epsOut.reshape([-1])));
    }
    return getActivation(this.config.activation)(x.matMul(kernel).add(bias));
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return [inputShape[0], this.config.units];
  }
}
