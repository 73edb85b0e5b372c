import * as tf from '#tfjs';
import { NeuriteError } from '../errors.js';

/** Attributes tfjs passes to Conv2DBackpropFilter (dilations are always 1 in tfjs's conv2d gradient). */
export interface Conv2DBackpropFilterAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

export function conv2dFilterInfo(
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  attrs: Conv2DBackpropFilterAttrs,
): tf.backend_util.Conv2DInfo {
  if (attrs.dataFormat === 'NCHW') {
    throw new NeuriteError(
      "Conv2DBackpropFilter: Neurite's kernels support dataFormat 'NHWC' only. Received: 'NCHW'. " +
        'Transpose the input to [batch, height, width, channels].',
    );
  }
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  if (
    dy.shape.length !== 4 ||
    dy.shape[0] !== info.batchSize ||
    dy.shape[1] !== info.outHeight ||
    dy.shape[2] !== info.outWidth ||
    dy.shape[3] !== info.outChannels
  ) {
    throw new NeuriteError(
      `Conv2DBackpropFilter: dy must have shape [${info.batchSize}, ${info.outHeight}, ${info.outWidth}, ${info.outChannels}] ` +
        `for x ${JSON.stringify(x.shape)} and filter ${JSON.stringify(attrs.filterShape)}. Received: ${JSON.stringify(dy.shape)}.`,
    );
  }
  return info;
}
