import * as tf from '#tfjs';
import { cpuConv2DBackpropFilter } from '../kernels/conv2d_backprop_filter_cpu.js';
import { cpuMaxPoolGrad } from '../kernels/max_pool_grad.js';
import { cpuSum } from '../kernels/sum.js';
import type { BackendPlugin } from './plugin.js';

/**
 * tfjs's plain-JavaScript backend, with Neurite's faster Conv2DBackpropFilter, MaxPoolGrad and Sum
 * (over leading axes, as for a bias gradient). Always available.
 *
 * @example
 * ```ts
 * import { useBackend } from '@neurite/core';
 * const info = await useBackend('cpu');
 * console.log(info.name); // 'cpu'
 * ```
 */
export const cpu: BackendPlugin = {
  name: 'cpu',
  priority: 1,
  async isAvailable() {
    return { available: true };
  },
  async init() {
    // The bundled tfjs-backend-cpu registered its factory when it loaded.
  },
  kernels: [cpuConv2DBackpropFilter, cpuMaxPoolGrad, cpuSum],
  onActivate(backend) {
    // Silence tfjs's one-time advertisement for tfjs-node on first write.
    (backend as unknown as { firstUse: boolean }).firstUse = false;
  },
  async details() {
    return { version: tf.version_cpu };
  },
};
