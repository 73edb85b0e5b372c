// Float64 references computed straight from the definitions, for kernel tests. Their inputs come from
// floats() in @neurite/core/testing.

export interface ConvCase {
  batch: number;
  height: number;
  width: number;
  inChannels: number;
  outChannels: number;
  kernel: [number, number];
  stride: number;
  pad: 'same' | 'valid';
}

export function convGeometry(c: ConvCase) {
  const [fh, fw] = c.kernel;
  if (c.pad === 'valid') {
    const oh = Math.ceil((c.height - fh + 1) / c.stride);
    const ow = Math.ceil((c.width - fw + 1) / c.stride);
    return { oh, ow, top: 0, left: 0 };
  }
  const oh = Math.ceil(c.height / c.stride);
  const ow = Math.ceil(c.width / c.stride);
  const padH = Math.max((oh - 1) * c.stride + fh - c.height, 0);
  const padW = Math.max((ow - 1) * c.stride + fw - c.width, 0);
  return { oh, ow, top: Math.floor(padH / 2), left: Math.floor(padW / 2) };
}

/** dW[kh, kw, ci, co] = sum over b, y, x of X[b, y*s + kh - top, x*s + kw - left, ci] * dY[b, y, x, co]. */
export function conv2dFilterGradReference(c: ConvCase, x: Float32Array, dy: Float32Array): Float64Array {
  const [fh, fw] = c.kernel;
  const { oh, ow, top, left } = convGeometry(c);
  const { batch, height: h, width: w, inChannels: ci, outChannels: co, stride: s } = c;
  const dw = new Float64Array(fh * fw * ci * co);
  for (let kh = 0; kh < fh; kh++)
    for (let kw = 0; kw < fw; kw++)
      for (let i = 0; i < ci; i++)
        for (let o = 0; o < co; o++) {
          let sum = 0;
          for (let b = 0; b < batch; b++)
            for (let y = 0; y < oh; y++) {
              const iy = y * s + kh - top;
              if (iy < 0 || iy >= h) continue;
              for (let xo = 0; xo < ow; xo++) {
                const ix = xo * s + kw - left;
                if (ix < 0 || ix >= w) continue;
                sum += x[((b * h + iy) * w + ix) * ci + i] * dy[((b * oh + y) * ow + xo) * co + o];
              }
            }
          dw[((kh * fw + kw) * ci + i) * co + o] = sum;
        }
  return dw;
}

export interface PoolCase {
  batch: number;
  height: number;
  width: number;
  channels: number;
  pool: number;
  stride: number;
  pad: 'same' | 'valid';
}

/**
 * dx of max pooling by definition: dy goes to the first largest value of each window (row-major
 * order, padding skipped). A NaN never compares greater, so it is picked only as a window's first value.
 */
export function maxPoolGradReference(c: PoolCase, x: Float32Array, dy: Float32Array): Float64Array {
  const g = convGeometry({
    batch: c.batch,
    height: c.height,
    width: c.width,
    inChannels: c.channels,
    outChannels: c.channels,
    kernel: [c.pool, c.pool],
    stride: c.stride,
    pad: c.pad,
  });
  const dx = new Float64Array(x.length);
  for (let b = 0; b < c.batch; b++)
    for (let y = 0; y < g.oh; y++)
      for (let xo = 0; xo < g.ow; xo++)
        for (let ch = 0; ch < c.channels; ch++) {
          let best = -Infinity;
          let at = -1;
          for (let ky = 0; ky < c.pool; ky++)
            for (let kx = 0; kx < c.pool; kx++) {
              const iy = y * c.stride + ky - g.top;
              const ix = xo * c.stride + kx - g.left;
              if (iy < 0 || iy >= c.height || ix < 0 || ix >= c.width) continue;
              const i = ((b * c.height + iy) * c.width + ix) * c.channels + ch;
              if (at < 0 || x[i] > best) {
                best = x[i];
                at = i;
              }
            }
          dx[at] += dy[((b * g.oh + y) * g.ow + xo) * c.channels + ch];
        }
  return dx;
}

/** dX[b, iy, ix, ci] = sum over y, x, kh, kw, co with y*s + kh - top = iy (same for x) of dY[b, y, x, co] * W[kh, kw, ci, co]. */
export function conv2dInputGradReference(c: ConvCase, dy: Float32Array, w: Float32Array): Float64Array {
  const [fh, fw] = c.kernel;
  const { oh, ow, top, left } = convGeometry(c);
  const { batch, height: h, width: wd, inChannels: ci, outChannels: co, stride: s } = c;
  const dx = new Float64Array(batch * h * wd * ci);
  for (let b = 0; b < batch; b++)
    for (let y = 0; y < oh; y++)
      for (let x = 0; x < ow; x++)
        for (let kh = 0; kh < fh; kh++)
          for (let kw = 0; kw < fw; kw++) {
            const iy = y * s + kh - top;
            const ix = x * s + kw - left;
            if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
            for (let i = 0; i < ci; i++)
              for (let o = 0; o < co; o++)
                dx[((b * h + iy) * wd + ix) * ci + i] +=
                  dy[((b * oh + y) * ow + x) * co + o] * w[((kh * fw + kw) * ci + i) * co + o];
          }
  return dx;
}

/** Sum over `axes` by definition, in float64; the result is laid out as the kept axes in order. */
export function sumReference(x: ArrayLike<number>, shape: number[], axes: number[]): Float64Array {
  const kept = shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const out = new Float64Array(kept.reduce((a, i) => a * shape[i], 1));
  const index = new Array(shape.length).fill(0);
  for (let flat = 0; flat < x.length; flat++) {
    let o = 0;
    for (const i of kept) o = o * shape[i] + index[i];
    out[o] += x[flat];
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++index[d] < shape[d]) break;
      index[d] = 0;
    }
  }
  return out;
}
