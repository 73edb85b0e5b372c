;; Neurite's own WebAssembly SIMD kernels for the wasm backend. They import tfjs's wasm memory, so
;; they read and write tensors where tfjs keeps them: no copies in or out. Pointers are byte offsets
;; into that memory. Compiled by build-simd.mjs (wabt) into kernels_wasm.ts; never edited there.
(module
  (import "env" "memory" (memory 1))

  ;; dx of 2x2 stride-2 max pooling whose windows all lie inside the input (NHWC, c a multiple of 4),
  ;; four channels at a time. Same choice as the JavaScript loop, bit for bit: within a row the second
  ;; value wins only if greater; the bottom row's pick beats the top row's only if greater; a NaN first
  ;; in the bottom row gives way to its neighbour. All four places of a window are written (dy or 0).
  (func (export "maxPoolGrad2x2")
    (param $x i32) (param $dy i32) (param $dx i32)
    (param $n i32) (param $h i32) (param $w i32) (param $c i32) (param $oh i32) (param $ow i32)
    (local $rowBytes i32) (local $cBytes i32) (local $imageBytes i32)
    (local $b i32) (local $y i32) (local $xo i32) (local $k i32)
    (local $rowStart i32) (local $window i32) (local $q i32) (local $g i32)
    (local $top v128) (local $bottom v128) (local $right v128) (local $under v128)
    (local $mTop v128) (local $mBottom v128) (local $mWin v128) (local $grad v128)
    (local.set $cBytes (i32.shl (local.get $c) (i32.const 2)))
    (local.set $rowBytes (i32.mul (local.get $w) (local.get $cBytes)))
    (local.set $imageBytes (i32.mul (local.get $h) (local.get $rowBytes)))
    (local.set $g (local.get $dy))
    (if (i32.eqz (i32.mul (i32.mul (local.get $n) (local.get $oh)) (i32.mul (local.get $ow) (local.get $c))))
      (then (return)))
    (local.set $b (i32.const 0))
    (loop $batch
      (local.set $y (i32.const 0))
      (loop $rows
        ;; byte offset of input row 2y of image b
        (local.set $rowStart
          (i32.add (i32.mul (local.get $b) (local.get $imageBytes))
                   (i32.mul (i32.shl (local.get $y) (i32.const 1)) (local.get $rowBytes))))
        (local.set $xo (i32.const 0))
        (loop $cols
          (local.set $window
            (i32.add (local.get $rowStart) (i32.mul (i32.shl (local.get $xo) (i32.const 1)) (local.get $cBytes))))
          (local.set $k (i32.const 0))
          (loop $channels
            (local.set $q (i32.add (local.get $window) (local.get $k)))
            (local.set $top (v128.load (i32.add (local.get $x) (local.get $q))))
            (local.set $right (v128.load (i32.add (local.get $x) (i32.add (local.get $q) (local.get $cBytes)))))
            (local.set $bottom (v128.load (i32.add (local.get $x) (i32.add (local.get $q) (local.get $rowBytes)))))
            (local.set $under
              (v128.load (i32.add (local.get $x)
                (i32.add (local.get $q) (i32.add (local.get $rowBytes) (local.get $cBytes))))))
            ;; row winners: the second value where it is greater (lanes of mTop / mBottom all ones)
            (local.set $mTop (f32x4.gt (local.get $right) (local.get $top)))
            (local.set $mBottom
              (v128.or (f32x4.gt (local.get $under) (local.get $bottom))
                       (f32x4.ne (local.get $bottom) (local.get $bottom))))
            (local.set $mWin
              (f32x4.gt (v128.bitselect (local.get $under) (local.get $bottom) (local.get $mBottom))
                        (v128.bitselect (local.get $right) (local.get $top) (local.get $mTop))))
            (local.set $grad (v128.load (local.get $g)))
            (local.set $g (i32.add (local.get $g) (i32.const 16)))
            (v128.store (i32.add (local.get $dx) (local.get $q))
              (v128.andnot (v128.andnot (local.get $grad) (local.get $mTop)) (local.get $mWin)))
            (v128.store (i32.add (local.get $dx) (i32.add (local.get $q) (local.get $cBytes)))
              (v128.andnot (v128.and (local.get $grad) (local.get $mTop)) (local.get $mWin)))
            (v128.store (i32.add (local.get $dx) (i32.add (local.get $q) (local.get $rowBytes)))
              (v128.and (v128.andnot (local.get $grad) (local.get $mBottom)) (local.get $mWin)))
            (v128.store (i32.add (local.get $dx)
                (i32.add (local.get $q) (i32.add (local.get $rowBytes) (local.get $cBytes))))
              (v128.and (v128.and (local.get $grad) (local.get $mBottom)) (local.get $mWin)))
            (local.set $k (i32.add (local.get $k) (i32.const 16)))
            (br_if $channels (i32.lt_u (local.get $k) (local.get $cBytes))))
          (local.set $xo (i32.add (local.get $xo) (i32.const 1)))
          (br_if $cols (i32.lt_u (local.get $xo) (local.get $ow))))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br_if $rows (i32.lt_u (local.get $y) (local.get $oh))))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br_if $batch (i32.lt_u (local.get $b) (local.get $n)))))

  ;; out[j] = sum over rows r < outer of x[r*inner + j], inner a multiple of 4, summed in float64 as the
  ;; JavaScript loop it replaces does: four columns at a time in two f64x2 sums, over blocks of 32 rows
  ;; (a block of the rows stays in cache while its columns are summed), carried between blocks at acc
  ;; (inner doubles).
  (func (export "sumRows") (param $x i32) (param $outer i32) (param $inner i32) (param $out i32) (param $acc i32)
    (local $rowBytes i32) (local $r0 i32) (local $rows i32) (local $j i32) (local $p i32) (local $q i32)
    (local $v v128) (local $lo v128) (local $hi v128) (local $d i32)
    (local.set $rowBytes (i32.shl (local.get $inner) (i32.const 2)))
    (memory.fill (local.get $acc) (i32.const 0) (i32.shl (local.get $inner) (i32.const 3)))
    (local.set $r0 (i32.const 0))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $r0) (local.get $outer)))
        (local.set $rows (i32.sub (local.get $outer) (local.get $r0)))
        (if (i32.gt_u (local.get $rows) (i32.const 32)) (then (local.set $rows (i32.const 32))))
        (local.set $j (i32.const 0))
        (loop $cols
          (local.set $p (i32.add (local.get $x)
            (i32.add (i32.mul (local.get $r0) (local.get $rowBytes)) (i32.shl (local.get $j) (i32.const 2)))))
          (local.set $d (i32.add (local.get $acc) (i32.shl (local.get $j) (i32.const 3))))
          (local.set $lo (v128.load (local.get $d)))
          (local.set $hi (v128.load offset=16 (local.get $d)))
          (local.set $q (local.get $rows))
          (loop $down
            (local.set $v (v128.load (local.get $p)))
            (local.set $lo (f64x2.add (local.get $lo) (f64x2.promote_low_f32x4 (local.get $v))))
            (local.set $hi (f64x2.add (local.get $hi)
              (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))))
            (local.set $p (i32.add (local.get $p) (local.get $rowBytes)))
            (local.set $q (i32.sub (local.get $q) (i32.const 1)))
            (br_if $down (local.get $q)))
          (v128.store (local.get $d) (local.get $lo))
          (v128.store offset=16 (local.get $d) (local.get $hi))
          (local.set $j (i32.add (local.get $j) (i32.const 4)))
          (br_if $cols (i32.lt_u (local.get $j) (local.get $inner))))
        (local.set $r0 (i32.add (local.get $r0) (i32.const 32)))
        (br $blocks)))
    (local.set $j (i32.const 0))
    (loop $write
      (local.set $d (i32.add (local.get $acc) (i32.shl (local.get $j) (i32.const 3))))
      (v128.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2)))
        (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
          (f32x4.demote_f64x2_zero (v128.load (local.get $d)))
          (f32x4.demote_f64x2_zero (v128.load offset=16 (local.get $d)))))
      (local.set $j (i32.add (local.get $j) (i32.const 4)))
      (br_if $write (i32.lt_u (local.get $j) (local.get $inner)))))

  ;; The 4x8 matrix product (gemm4x8) is made by gemm-wat.mjs and spliced in here by build-simd.mjs.
  ;; @gemm

  ;; Copies bytes (a multiple of 4) from src to dst, 16 at a time, then 4. The runs of im2col are a
  ;; filter row's channels (12 bytes for a 3-wide one-channel filter, 384 for conv2): short enough that
  ;; memory.copy's call costs more than the loop.
  (func $copy (param $dst i32) (param $src i32) (param $bytes i32)
    (block $done
      (loop $wide
        (br_if $done (i32.lt_u (local.get $bytes) (i32.const 16)))
        (v128.store (local.get $dst) (v128.load (local.get $src)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (local.set $bytes (i32.sub (local.get $bytes) (i32.const 16)))
        (br $wide)))
    (block $end
      (loop $narrow
        (br_if $end (i32.eqz (local.get $bytes)))
        (f32.store (local.get $dst) (f32.load (local.get $src)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
        (local.set $src (i32.add (local.get $src) (i32.const 4)))
        (local.set $bytes (i32.sub (local.get $bytes) (i32.const 4)))
        (br $narrow))))

  ;; dst[i] += src[i] over bytes (a multiple of 4), 16 at a time, then 4.
  (func $addTo (param $dst i32) (param $src i32) (param $bytes i32)
    (block $done
      (loop $wide
        (br_if $done (i32.lt_u (local.get $bytes) (i32.const 16)))
        (v128.store (local.get $dst) (f32x4.add (v128.load (local.get $dst)) (v128.load (local.get $src))))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (local.set $bytes (i32.sub (local.get $bytes) (i32.const 16)))
        (br $wide)))
    (block $end
      (loop $narrow
        (br_if $end (i32.eqz (local.get $bytes)))
        (f32.store (local.get $dst) (f32.add (f32.load (local.get $dst)) (f32.load (local.get $src))))
        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
        (local.set $src (i32.add (local.get $src) (i32.const 4)))
        (local.set $bytes (i32.sub (local.get $bytes) (i32.const 4)))
        (br $narrow))))

  ;; The patches of a 2D convolution (NHWC, no dilation) as rows of P, or back. Row r = (b*oh + y)*ow + x
  ;; of P [n*oh*ow, kh*kw*ci] holds the window under output (b, y, x), filter row by filter row, each a
  ;; run of kw*ci floats that is contiguous in X where the window lies inside it:
  ;;   P[r, (i*kw + j)*ci + c] = X[b, y*sh - pt + i, x*sw - pl + j, c], 0 outside X.
  ;; backward = 0 writes P from X (im2col); backward = 1 zeroes X and adds each row of P back into the
  ;; places it came from (col2im: dX from dP, the padding's share dropped).
  (func (export "im2col")
    (param $x i32) (param $p i32) (param $n i32) (param $h i32) (param $w i32) (param $ci i32)
    (param $kh i32) (param $kw i32) (param $sh i32) (param $sw i32) (param $pt i32) (param $pl i32)
    (param $oh i32) (param $ow i32) (param $backward i32)
    (local $b i32) (local $y i32) (local $xo i32) (local $i i32) (local $iy i32) (local $x0 i32)
    (local $jlo i32) (local $jhi i32) (local $px i32) (local $run i32) (local $dst i32) (local $src i32)
    (local.set $px (i32.shl (local.get $ci) (i32.const 2)))
    (local.set $run (i32.mul (local.get $kw) (local.get $px)))
    (if (local.get $backward)
      (then
        (memory.fill (local.get $x) (i32.const 0)
          (i32.mul (i32.mul (i32.mul (local.get $n) (local.get $h)) (local.get $w)) (local.get $px)))))
    (if (i32.eqz (i32.mul (i32.mul (local.get $n) (local.get $oh)) (local.get $ow))) (then (return)))
    (local.set $dst (local.get $p))
    (local.set $b (i32.const 0))
    (loop $batch
      (local.set $y (i32.const 0))
      (loop $rows
        (local.set $xo (i32.const 0))
        (loop $cols
          ;; Filter columns j in [jlo, jhi) fall inside X.
          (local.set $x0 (i32.sub (i32.mul (local.get $xo) (local.get $sw)) (local.get $pl)))
          (local.set $jlo (select (i32.sub (i32.const 0) (local.get $x0)) (i32.const 0)
            (i32.lt_s (local.get $x0) (i32.const 0))))
          ;; Padding wider than the filter leaves whole windows outside X: jlo is at most kw.
          (if (i32.gt_s (local.get $jlo) (local.get $kw)) (then (local.set $jlo (local.get $kw))))
          (local.set $jhi (i32.sub (local.get $w) (local.get $x0)))
          (if (i32.gt_s (local.get $jhi) (local.get $kw)) (then (local.set $jhi (local.get $kw))))
          (if (i32.lt_s (local.get $jhi) (local.get $jlo)) (then (local.set $jhi (local.get $jlo))))
          (local.set $i (i32.const 0))
          (loop $taps
            (local.set $iy (i32.add (i32.sub (i32.mul (local.get $y) (local.get $sh)) (local.get $pt)) (local.get $i)))
            (if (i32.and (i32.ge_s (local.get $iy) (i32.const 0)) (i32.lt_s (local.get $iy) (local.get $h)))
              (then
                (local.set $src
                  (i32.add (local.get $x)
                    (i32.mul
                      (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $h)) (local.get $iy)) (local.get $w))
                        (i32.add (local.get $x0) (local.get $jlo)))
                      (local.get $px))))
                (if (local.get $backward)
                  (then
                    (call $addTo (local.get $src) (i32.add (local.get $dst) (i32.mul (local.get $jlo) (local.get $px)))
                      (i32.mul (i32.sub (local.get $jhi) (local.get $jlo)) (local.get $px))))
                  (else
                    (memory.fill (local.get $dst) (i32.const 0) (i32.mul (local.get $jlo) (local.get $px)))
                    (call $copy (i32.add (local.get $dst) (i32.mul (local.get $jlo) (local.get $px))) (local.get $src)
                      (i32.mul (i32.sub (local.get $jhi) (local.get $jlo)) (local.get $px)))
                    (memory.fill (i32.add (local.get $dst) (i32.mul (local.get $jhi) (local.get $px))) (i32.const 0)
                      (i32.mul (i32.sub (local.get $kw) (local.get $jhi)) (local.get $px))))))
              (else
                (if (i32.eqz (local.get $backward))
                  (then (memory.fill (local.get $dst) (i32.const 0) (local.get $run))))))
            (local.set $dst (i32.add (local.get $dst) (local.get $run)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br_if $taps (i32.lt_u (local.get $i) (local.get $kh))))
          (local.set $xo (i32.add (local.get $xo) (i32.const 1)))
          (br_if $cols (i32.lt_u (local.get $xo) (local.get $ow))))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br_if $rows (i32.lt_u (local.get $y) (local.get $oh))))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br_if $batch (i32.lt_u (local.get $b) (local.get $n)))))
)
