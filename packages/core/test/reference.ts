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
  /** 'same', 'valid', or that many rows and columns of zeros on every side (stride 1 only). */
  pad: 'same' | 'valid' | number;
}

/**
 * The conv kernels' common grid: stride 1 and 2, same and valid, 1/3/32 input channels, batch 1 and 7;
 * then a non-square kernel, a stride that leaves rows unread and a 1x1 kernel. Each test adds its own.
 */
export function convGrid(): ConvCase[] {
  const grid: ConvCase[] = [];
  for (const stride of [1, 2])
    for (const pad of ['same', 'valid'] as const)
      for (const inChannels of [1, 3, 32])
        for (const batch of [1, 7])
          grid.push({ batch, height: 9, width: 8, inChannels, outChannels: 5, kernel: [3, 3], stride, pad });
  grid.push({ batch: 2, height: 7, width: 10, inChannels: 4, outChannels: 3, kernel: [2, 5], stride: 2, pad: 'valid' });
  grid.push({ batch: 2, height: 6, width: 6, inChannels: 2, outChannels: 4, kernel: [5, 3], stride: 2, pad: 'same' });
  grid.push({ batch: 3, height: 5, width: 5, inChannels: 6, outChannels: 2, kernel: [1, 1], stride: 1, pad: 'valid' });
  return grid;
}

export function convGeometry(c: ConvCase) {
  const [fh, fw] = c.kernel;
  if (typeof c.pad === 'number') {
    const oh = c.height + 2 * c.pad - fh + 1;
    const ow = c.width + 2 * c.pad - fw + 1;
    return { oh, ow, top: c.pad, left: c.pad };
  }
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

/** Y[b, y, x, co] = sum over kh, kw, ci of X[b, y*s + kh - top, x*s + kw - left, ci] * W[kh, kw, ci, co]. */
export function conv2dReference(c: ConvCase, x: Float32Array, w: Float32Array): Float64Array {
  const [fh, fw] = c.kernel;
  const { oh, ow, top, left } = convGeometry(c);
  const { batch, height: h, width: wd, inChannels: ci, outChannels: co, stride: s } = c;
  const y = new Float64Array(batch * oh * ow * co);
  for (let b = 0; b < batch; b++)
    for (let yo = 0; yo < oh; yo++)
      for (let xo = 0; xo < ow; xo++)
        for (let kh = 0; kh < fh; kh++)
          for (let kw = 0; kw < fw; kw++) {
            const iy = yo * s + kh - top;
            const ix = xo * s + kw - left;
            if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
            for (let i = 0; i < ci; i++) {
              const v = x[((b * h + iy) * wd + ix) * ci + i];
              const out = ((b * oh + yo) * ow + xo) * co;
              const wi = ((kh * fw + kw) * ci + i) * co;
              for (let o = 0; o < co; o++) y[out + o] += v * w[wi + o];
            }
          }
  return y;
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

/** A windowed op (a convolution or a pooling) with per-axis strides and dilation rates. */
export interface WindowCase {
  batch: number;
  height: number;
  width: number;
  channels: number;
  kernel: [number, number];
  strides: [number, number];
  dilation: [number, number];
  pad: 'same' | 'valid';
}

/** Output size and padding before, as TensorFlow places a dilated window ((k - 1) * d + 1 cells). */
export function windowGeometry(c: WindowCase): { oh: number; ow: number; top: number; left: number } {
  const axis = (size: number, k: number, s: number, d: number) => {
    const span = (k - 1) * d + 1;
    if (c.pad === 'valid') return { out: Math.ceil((size - span + 1) / s), before: 0 };
    const out = Math.ceil(size / s);
    return { out, before: Math.floor(Math.max((out - 1) * s + span - size, 0) / 2) };
  };
  const rows = axis(c.height, c.kernel[0], c.strides[0], c.dilation[0]);
  const columns = axis(c.width, c.kernel[1], c.strides[1], c.dilation[1]);
  return { oh: rows.out, ow: columns.out, top: rows.before, left: columns.before };
}

/**
 * A dilated conv2d (filter [kh, kw, channels, out], `out` output channels) or depthwise conv2d (filter
 * [kh, kw, channels, out], `out` the multiplier, output channel c * out + m) by definition, in float64,
 * with the gradients of sum(y * dy) with respect to x and the filter.
 */
export function windowedConvReference(
  c: WindowCase,
  kind: 'conv' | 'depthwise',
  out: number,
  x: ArrayLike<number>,
  k: ArrayLike<number>,
  dy: ArrayLike<number>,
): { shape: number[]; y: Float64Array; dx: Float64Array; dk: Float64Array } {
  const { oh, ow, top, left } = windowGeometry(c);
  const { batch, height: h, width: w, channels: ci } = c;
  const [kh, kw] = c.kernel;
  const co = kind === 'conv' ? out : ci * out;
  const y = new Float64Array(batch * oh * ow * co);
  const dx = new Float64Array(x.length);
  const dk = new Float64Array(k.length);
  for (let b = 0; b < batch; b++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++)
        for (let i = 0; i < kh; i++)
          for (let j = 0; j < kw; j++) {
            const iy = oy * c.strides[0] + i * c.dilation[0] - top;
            const ix = ox * c.strides[1] + j * c.dilation[1] - left;
            if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
            for (let ch = 0; ch < ci; ch++)
              for (let o = 0; o < out; o++) {
                const xi = ((b * h + iy) * w + ix) * ci + ch;
                const ki = ((i * kw + j) * ci + ch) * out + o;
                const yi = ((b * oh + oy) * ow + ox) * co + (kind === 'conv' ? o : ch * out + o);
                y[yi] += x[xi] * k[ki];
                dx[xi] += dy[yi] * k[ki];
                dk[ki] += dy[yi] * x[xi];
              }
          }
  return { shape: [batch, oh, ow, co], y, dx, dk };
}

/**
 * Average pooling with padding 'same' by definition (each window's mean over the cells it covers), in
 * float64, with the gradient of sum(y * dy) with respect to x. `kernel` is the pool size.
 */
export function avgPoolSameReference(
  c: WindowCase,
  x: ArrayLike<number>,
  dy: ArrayLike<number>,
): { shape: number[]; y: Float64Array; dx: Float64Array } {
  const { oh, ow, top, left } = windowGeometry({ ...c, dilation: [1, 1], pad: 'same' });
  const { batch, height: h, width: w, channels: ch } = c;
  const y = new Float64Array(batch * oh * ow * ch);
  const dx = new Float64Array(x.length);
  for (let b = 0; b < batch; b++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++) {
        const cells: number[] = [];
        for (let i = 0; i < c.kernel[0]; i++)
          for (let j = 0; j < c.kernel[1]; j++) {
            const iy = oy * c.strides[0] + i - top;
            const ix = ox * c.strides[1] + j - left;
            if (iy >= 0 && iy < h && ix >= 0 && ix < w) cells.push((b * h + iy) * w + ix);
          }
        for (let k = 0; k < ch; k++) {
          const yi = ((b * oh + oy) * ow + ox) * ch + k;
          for (const cell of cells) {
            y[yi] += x[cell * ch + k] / cells.length;
            dx[cell * ch + k] += dy[yi] / cells.length;
          }
        }
      }
  return { shape: [batch, oh, ow, ch], y, dx };
}
