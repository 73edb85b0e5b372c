// The WebAssembly text of Neurite's one-channel first-layer convolutions (a CNN on grey images), which
// read X in place instead of making patches: the taps of a filter row lie side by side in X, so one
// pointer gives a register tile's splats. Spliced into the modules by build-simd.mjs, as gemm-wat.mjs's
// matrix products are, with whose tile writers (sums, multiply-adds, epilogue) they share.
import { epilogue, multiplyAdds, sumNames } from './gemm-wat.mjs';

/**
 * dW of a convolution on one-channel images (stride 1, no padding), as a matrix product read straight
 * from X: for each image, filter row kh and group of MR filter columns kw0.., and NR output channels,
 *
 *   dW[kh, kw0 + r, 0, c0 + j] += sum over (y, x) of X[b, y + kh, x + kw0 + r] * dY[b, y, x, c0 + j]
 *
 * with the MR x NR sums in registers over the image's positions: per position NR/4 vectors of dY, MR
 * splats of X from one pointer (the MR taps lie side by side in X) and MR*NR/4 multiply-adds. Filter
 * columns past fw in the last group are computed on the group's first column and not stored. Each image's
 * sums are added to dW, so no float32 sum runs over more than one image's positions.
 *
 *   <name>(x, dy, dw, n, h, w, oh, ow, fh, fw, co), co a multiple of NR
 */
export function convFilterGradC1Wat(name, MR, NR, { fma = false } = {}) {
  const V = NR / 4;
  const L = [];
  const e = (s) => L.push(s);
  const accs = sumNames(MR, V);
  e(`(func (export "${name}")
    (param $x i32) (param $dy i32) (param $dw i32) (param $n i32) (param $h i32) (param $w i32)
    (param $oh i32) (param $ow i32) (param $fh i32) (param $fw i32) (param $co i32)
    (local $coBytes i32) (local $b i32) (local $kh i32) (local $kw0 i32) (local $c0 i32) (local $y i32)
    (local $xp i32) (local $dyp i32) (local $end i32) (local $dst i32) (local $taps i32)
    ${Array.from({ length: MR }, (_, r) => `(local $o${r} i32)`).join(' ')}
    ${Array.from({ length: V }, (_, v) => `(local $b${v} v128)`).join(' ')} (local $s v128)
    ${accs.map((a) => `(local ${a} v128)`).join(' ')}
    (local.set $coBytes (i32.shl (local.get $co) (i32.const 2)))
    (memory.fill (local.get $dw) (i32.const 0) (i32.mul (i32.mul (local.get $fh) (local.get $fw)) (local.get $coBytes)))
    (if (i32.eqz (i32.mul (i32.mul (local.get $n) (local.get $oh)) (i32.mul (local.get $ow) (local.get $co)))) (then (return)))
    (local.set $b (i32.const 0))
    (loop $batch
      (local.set $kh (i32.const 0))
      (loop $taprows
        (local.set $kw0 (i32.const 0))
        (loop $tapgroups
          (local.set $taps (i32.sub (local.get $fw) (local.get $kw0)))
          (if (i32.gt_u (local.get $taps) (i32.const ${MR})) (then (local.set $taps (i32.const ${MR}))))
          ;; Where tap r of the group lies from the first: columns past fw read the first (any tap inside
          ;; X does) and are not stored.
          ${Array.from({ length: MR }, (_, r) => `(local.set $o${r} (select (i32.const ${4 * r}) (i32.const 0) (i32.gt_u (local.get $taps) (i32.const ${r}))))`).join('\n          ')}
          (local.set $c0 (i32.const 0))
          (loop $chans
            ${accs.map((a) => `(local.set ${a} (v128.const i32x4 0 0 0 0))`).join(' ')}
            (local.set $y (i32.const 0))
            (loop $rows
              (local.set $xp (i32.add (local.get $x) (i32.shl
                (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $h)) (i32.add (local.get $y) (local.get $kh))) (local.get $w))
                  (local.get $kw0)) (i32.const 2))))
              (local.set $dyp (i32.add (local.get $dy) (i32.add
                (i32.mul (i32.mul (i32.add (i32.mul (local.get $b) (local.get $oh)) (local.get $y)) (local.get $ow)) (local.get $coBytes))
                (i32.shl (local.get $c0) (i32.const 2)))))
              (local.set $end (i32.add (local.get $xp) (i32.shl (local.get $ow) (i32.const 2))))
              (loop $cols`);
  for (let v = 0; v < V; v++) e(`                (local.set $b${v} (v128.load offset=${16 * v} (local.get $dyp)))`);
  multiplyAdds(
    e,
    MR,
    V,
    fma,
    (r) => (r === 0 ? '(local.get $xp)' : `(i32.add (local.get $xp) (local.get $o${r}))`),
    '                ',
  );
  e(`                (local.set $dyp (i32.add (local.get $dyp) (local.get $coBytes)))
                (local.set $xp (i32.add (local.get $xp) (i32.const 4)))
                (br_if $cols (i32.lt_u (local.get $xp) (local.get $end))))
              (local.set $y (i32.add (local.get $y) (i32.const 1)))
              (br_if $rows (i32.lt_u (local.get $y) (local.get $oh))))`);
  for (let r = 0; r < MR; r++) {
    e(`            (if (i32.gt_u (local.get $taps) (i32.const ${r})) (then
              (local.set $dst (i32.add (local.get $dw) (i32.add
                (i32.mul (i32.add (i32.mul (local.get $kh) (local.get $fw)) (i32.add (local.get $kw0) (i32.const ${r}))) (local.get $coBytes))
                (i32.shl (local.get $c0) (i32.const 2)))))`);
    for (let v = 0; v < V; v++)
      e(
        `              (v128.store offset=${16 * v} (local.get $dst) (f32x4.add (v128.load offset=${16 * v} (local.get $dst)) (local.get $c${r}_${v})))`,
      );
    e(`            ))`);
  }
  e(`            (local.set $c0 (i32.add (local.get $c0) (i32.const ${NR})))
            (br_if $chans (i32.lt_u (local.get $c0) (local.get $co))))
          (local.set $kw0 (i32.add (local.get $kw0) (i32.const ${MR})))
          (br_if $tapgroups (i32.lt_u (local.get $kw0) (local.get $fw))))
        (local.set $kh (i32.add (local.get $kh) (i32.const 1)))
        (br_if $taprows (i32.lt_u (local.get $kh) (local.get $fh))))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br_if $batch (i32.lt_u (local.get $b) (local.get $n)))))`);
  return L.join('\n');
}

/**
 * A convolution of one-channel images (stride 1, no padding), read straight from X: MR neighbouring
 * output positions of a row by NR output channels in registers, over the filter's taps,
 *
 *   Y[b, y, x0 + r, c0 + j] = sum over (i, k) of X[b, y + i, x0 + r + k] * W[i, k, 0, c0 + j]
 *
 * per tap NR/4 vectors of W, MR splats of X from one pointer (the positions lie side by side in X) and
 * MR*NR/4 multiply-adds. Positions past the row's end in its last group are computed on the group's
 * first position and not stored.
 *
 *   <name>(x, w, y, n, h, wd, oh, ow, fh, fw, co, bias, act), co a multiple of NR; act as for the gemm
 *   (bit 1 adds bias[c], bit 2 then clamps at 0)
 */
export function convForwardC1Wat(name, MR, NR, { fma = false } = {}) {
  const V = NR / 4;
  const L = [];
  const e = (s) => L.push(s);
  const accs = sumNames(MR, V);
  e(`(func (export "${name}")
    (param $x i32) (param $f i32) (param $y i32) (param $n i32) (param $h i32) (param $wd i32)
    (param $oh i32) (param $ow i32) (param $fh i32) (param $fw i32) (param $co i32) (param $bias i32) (param $act i32)
    (local $coBytes i32) (local $b i32) (local $yo i32) (local $x0 i32) (local $c0 i32) (local $i i32) (local $k i32)
    (local $xp i32) (local $fp i32) (local $dst i32) (local $cols i32)
    ${Array.from({ length: MR }, (_, r) => `(local $o${r} i32)`).join(' ')}
    ${Array.from({ length: V }, (_, v) => `(local $b${v} v128)`).join(' ')} (local $s v128)
    ${accs.map((a) => `(local ${a} v128)`).join(' ')}
    (local.set $coBytes (i32.shl (local.get $co) (i32.const 2)))
    (if (i32.eqz (i32.mul (i32.mul (local.get $n) (local.get $oh)) (i32.mul (local.get $ow) (local.get $co)))) (then (return)))
    (local.set $b (i32.const 0))
    (loop $batch
      (local.set $yo (i32.const 0))
      (loop $rows
        (local.set $x0 (i32.const 0))
        (loop $groups
          (local.set $cols (i32.sub (local.get $ow) (local.get $x0)))
          (if (i32.gt_u (local.get $cols) (i32.const ${MR})) (then (local.set $cols (i32.const ${MR}))))
          ${Array.from({ length: MR }, (_, r) => `(local.set $o${r} (select (i32.const ${4 * r}) (i32.const 0) (i32.gt_u (local.get $cols) (i32.const ${r}))))`).join('\n          ')}
          (local.set $c0 (i32.const 0))
          (loop $chans
            ${accs.map((a) => `(local.set ${a} (v128.const i32x4 0 0 0 0))`).join(' ')}
            (local.set $fp (i32.add (local.get $f) (i32.shl (local.get $c0) (i32.const 2))))
            (local.set $i (i32.const 0))
            (loop $taprows
              (local.set $xp (i32.add (local.get $x) (i32.shl
                (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $h)) (i32.add (local.get $yo) (local.get $i))) (local.get $wd))
                  (local.get $x0)) (i32.const 2))))
              (local.set $k (local.get $fw))
              (loop $taps`);
  for (let v = 0; v < V; v++) e(`                (local.set $b${v} (v128.load offset=${16 * v} (local.get $fp)))`);
  multiplyAdds(
    e,
    MR,
    V,
    fma,
    (r) => (r === 0 ? '(local.get $xp)' : `(i32.add (local.get $xp) (local.get $o${r}))`),
    '                ',
  );
  e(`                (local.set $fp (i32.add (local.get $fp) (local.get $coBytes)))
                (local.set $xp (i32.add (local.get $xp) (i32.const 4)))
                (local.set $k (i32.sub (local.get $k) (i32.const 1)))
                (br_if $taps (local.get $k)))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br_if $taprows (i32.lt_u (local.get $i) (local.get $fh))))
            (local.set $dst (i32.add (local.get $y) (i32.add
              (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $oh)) (local.get $yo)) (local.get $ow)) (local.get $x0)) (local.get $coBytes))
              (i32.shl (local.get $c0) (i32.const 2)))))`);
  epilogue(
    e,
    MR,
    V,
    '(local.get $act)',
    '(i32.add (local.get $bias) (i32.shl (local.get $c0) (i32.const 2)))',
    '            ',
  );
  for (let r = 0; r < MR; r++) {
    const stores = Array.from(
      { length: V },
      (_, v) => `(v128.store offset=${16 * v} (local.get $dst) (local.get $c${r}_${v}))`,
    ).join(' ');
    e(
      r === 0
        ? `            ${stores}`
        : `            (if (i32.gt_u (local.get $cols) (i32.const ${r})) (then (local.set $dst (i32.add (local.get $dst) (local.get $coBytes))) ${stores}))`,
    );
  }
  e(`            (local.set $c0 (i32.add (local.get $c0) (i32.const ${NR})))
            (br_if $chans (i32.lt_u (local.get $c0) (local.get $co))))
          (local.set $x0 (i32.add (local.get $x0) (i32.const ${MR})))
          (br_if $groups (i32.lt_u (local.get $x0) (local.get $ow))))
        (local.set $yo (i32.add (local.get $yo) (i32.const 1)))
        (br_if $rows (i32.lt_u (local.get $yo) (local.get $oh))))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br_if $batch (i32.lt_u (local.get $b) (local.get $n)))))`);
  return L.join('\n');
}
