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
)
