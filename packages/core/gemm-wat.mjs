// The WebAssembly text of Neurite's matrix product, one function per register tile, spliced into
// kernels.wat by build-simd.mjs (the tiles differ only in size, so they are written once, here).
//
//   <name>(a, b, c, scratch, m, k, n, accumulate, ars, acs, brs, bcs, bias, act)
//   C[m, n] (+)= A[m, k] x B[k, n]; A's element (r, q) at a + r*ars + q*acs, B's (q, j) at b + q*brs + j*bcs
//   (byte strides: a transposed operand is a stride swap). C is row-major and dense. An epilogue on the
//   finished sums: act bit 1 adds bias[j] (n floats at bias) to column j, bit 2 then clamps at 0 (ReLU);
//   k must be at least 1 for it.
//
// B is first copied into panels of NR columns (zero past n), each k rows of NR floats, at scratch; the
// MR x NR tile after the panels takes the sums of edge tiles. scratch needs ceil(n/NR)*NR*k + MR*NR
// floats. C is then made MR rows by NR columns at a time in MR*NR/4 f32x4 sums, one splat per value of
// A and one step of k per pass (V8 11's scheduler hoists the loads of an unrolled pass and spills the
// sums: 24 GFLOP/s unrolled by 4 against 38 by 1 for 4x8 on conv2's forward product). K runs in even
// blocks of at most 512 so that a block of the panels stays in cache while the rows of A pass over it.
//
// The 4x8 tile is the one for 128-bit code (eight f32x4 sums, the two of B and the splat fit x64's 16
// vector registers). The 6x16 tile, with `fma` (relaxed-SIMD multiply-adds) and two steps a pass, is for
// V8's revectorizer (Node 24, --experimental-wasm-revectorize), which fuses each pair of f32x4 operations
// on neighbouring 16 bytes into one 256-bit AVX operation: twelve 256-bit sums, two of B and the splat
// fit. Each C row's address sits in a local of its own, which the revectorizer needs to pair the stores.
// Measured on conv2's forward product, one thread: 4x8 36-38 GFLOP/s in Node 20; 6x16 82-90 in Node 24
// with the flag (50 for 4x8 there, 65 for a 5x16 tile without the multiply-add); without the flag the
// wide tiles spill and are slower than 4x8.
/** The MR x NR/4 f32x4 sums of a tile, row by row. */
export function sumNames(MR, V) {
  const names = [];
  for (let r = 0; r < MR; r++) for (let v = 0; v < V; v++) names.push(`$c${r}_${v}`);
  return names;
}

/** Per row r: a splat of the float at addr(r), then V multiply-adds of it with $b0.. into row r's sums. */
export function multiplyAdds(e, MR, V, fma, addr, pad) {
  for (let r = 0; r < MR; r++) {
    e(`${pad}(local.set $s (v128.load32_splat ${addr(r)}))`);
    for (let v = 0; v < V; v++) {
      const sum = `$c${r}_${v}`;
      e(
        fma
          ? `${pad}(local.set ${sum} (f32x4.relaxed_madd (local.get $s) (local.get $b${v}) (local.get ${sum})))`
          : `${pad}(local.set ${sum} (f32x4.add (local.get ${sum}) (f32x4.mul (local.get $s) (local.get $b${v}))))`,
      );
    }
  }
}

/** The epilogue on a finished tile: act bit 1 adds the V vectors at bias to every row, bit 2 clamps at 0. */
export function epilogue(e, MR, V, act, bias, pad) {
  e(`${pad}(if (i32.and ${act} (i32.const 1)) (then`);
  for (let v = 0; v < V; v++) e(`${pad}  (local.set $b${v} (v128.load offset=${16 * v} ${bias}))`);
  for (let r = 0; r < MR; r++)
    for (let v = 0; v < V; v++)
      e(`${pad}  (local.set $c${r}_${v} (f32x4.add (local.get $c${r}_${v}) (local.get $b${v})))`);
  e(`${pad}))
${pad}(if (i32.and ${act} (i32.const 2)) (then
${pad}  (local.set $s (v128.const i32x4 0 0 0 0))`);
  for (let r = 0; r < MR; r++)
    for (let v = 0; v < V; v++) e(`${pad}  (local.set $c${r}_${v} (f32x4.max (local.get $c${r}_${v}) (local.get $s)))`);
  e(`${pad}))`);
}

export function gemmWat(name, MR, NR, { fma = false, unroll = 1 } = {}) {
  if (NR % 4 !== 0) throw new Error(`gemmWat: NR must be a multiple of 4, got ${NR}`);
  const V = NR / 4; // f32x4 per tile row
  const L = [];
  const e = (s) => L.push(s);
  const accs = sumNames(MR, V);
  e(`(func (export "${name}")
    (param $a i32) (param $b i32) (param $c i32) (param $scratch i32)
    (param $m i32) (param $k i32) (param $n i32) (param $accumulate i32)
    (param $ars i32) (param $acs i32) (param $brs i32) (param $bcs i32) (param $bias i32) (param $act i32)
    (local $epi i32) (local $bcol i32)
    (local $panels i32) (local $panelBytes i32) (local $tile i32) (local $rowBytes i32)
    (local $p i32) (local $j i32) (local $cols i32) (local $src i32) (local $dst i32)
    (local $blocks i32) (local $kc i32) (local $k0 i32) (local $add i32)
    (local $i i32) (local $rows i32) (local $bp i32) (local $bend i32) (local $q i32) (local $cp i32) (local $r i32) (local $v f32)
    ${Array.from({ length: MR }, (_, r) => `(local $r${r} i32) (local $a${r} i32) (local $w${r} i32)`).join(' ')}
    ${Array.from({ length: V }, (_, v) => `(local $b${v} v128)`).join(' ')} (local $s v128)
    ${accs.map((x) => `(local ${x} v128)`).join(' ')}
    (if (i32.eqz (i32.mul (local.get $m) (local.get $n))) (then (return)))
    (if (i32.eqz (local.get $k))
      (then
        (if (i32.eqz (local.get $accumulate))
          (then (memory.fill (local.get $c) (i32.const 0) (i32.shl (i32.mul (local.get $m) (local.get $n)) (i32.const 2)))))
        (return)))
    (local.set $rowBytes (i32.shl (local.get $n) (i32.const 2)))
    (local.set $panels (i32.div_u (i32.add (local.get $n) (i32.const ${NR - 1})) (i32.const ${NR})))
    (local.set $panelBytes (i32.mul (local.get $k) (i32.const ${NR * 4})))
    (local.set $tile (i32.add (local.get $scratch) (i32.mul (local.get $panels) (local.get $panelBytes))))
    ;; Pack B: panel p, row j at scratch + p*panelBytes + j*NR*4. Whole panels of a B with dense rows
    ;; are copied 16 bytes at a time; the last panel, and a B with strided rows, a float at a time.
    (local.set $dst (local.get $scratch))
    (local.set $p (i32.const 0))
    (loop $pack
      (local.set $cols (i32.sub (local.get $n) (i32.mul (local.get $p) (i32.const ${NR}))))
      (local.set $j (i32.const 0))
      (if (i32.and (i32.ge_u (local.get $cols) (i32.const ${NR})) (i32.eq (local.get $bcs) (i32.const 4)))
        (then
          (local.set $src (i32.add (local.get $b) (i32.mul (local.get $p) (i32.const ${NR * 4}))))
          (loop $full
            ${Array.from({ length: V }, (_, v) => `(v128.store offset=${16 * v} (local.get $dst) (v128.load offset=${16 * v} (local.get $src)))`).join('\n            ')}
            (local.set $src (i32.add (local.get $src) (local.get $brs)))
            (local.set $dst (i32.add (local.get $dst) (i32.const ${NR * 4})))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br_if $full (i32.lt_u (local.get $j) (local.get $k)))))
        (else
          (if (i32.gt_u (local.get $cols) (i32.const ${NR})) (then (local.set $cols (i32.const ${NR}))))
          (loop $part
            (memory.fill (local.get $dst) (i32.const 0) (i32.const ${NR * 4}))
            (local.set $src (i32.add (local.get $b)
              (i32.add (i32.mul (local.get $j) (local.get $brs)) (i32.mul (i32.mul (local.get $p) (i32.const ${NR})) (local.get $bcs)))))
            (local.set $q (i32.const 0))
            (loop $col
              (f32.store (i32.add (local.get $dst) (i32.shl (local.get $q) (i32.const 2))) (f32.load (local.get $src)))
              (local.set $src (i32.add (local.get $src) (local.get $bcs)))
              (local.set $q (i32.add (local.get $q) (i32.const 1)))
              (br_if $col (i32.lt_u (local.get $q) (local.get $cols))))
            (local.set $dst (i32.add (local.get $dst) (i32.const ${NR * 4})))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br_if $part (i32.lt_u (local.get $j) (local.get $k))))))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br_if $pack (i32.lt_u (local.get $p) (local.get $panels))))
    (local.set $blocks (i32.shr_u (i32.add (local.get $k) (i32.const 511)) (i32.const 9)))
    (local.set $kc (i32.div_u (i32.add (local.get $k) (i32.sub (local.get $blocks) (i32.const 1))) (local.get $blocks)))
    (local.set $k0 (i32.const 0))
    (loop $kblock
      (if (i32.gt_u (local.get $kc) (i32.sub (local.get $k) (local.get $k0)))
        (then (local.set $kc (i32.sub (local.get $k) (local.get $k0)))))
      (local.set $add (i32.or (local.get $accumulate) (i32.ne (local.get $k0) (i32.const 0))))
      ;; The epilogue (act: 1 adds bias[j] to column j, 2 then takes max(0, .)) runs with the last block.
      (local.set $epi (select (local.get $act) (i32.const 0) (i32.ge_u (i32.add (local.get $k0) (local.get $kc)) (local.get $k))))
      (local.set $i (i32.const 0))
      (loop $rowtiles
        (local.set $rows (i32.sub (local.get $m) (local.get $i)))
        (local.set $r0 (i32.add (local.get $a)
          (i32.add (i32.mul (local.get $i) (local.get $ars)) (i32.mul (local.get $k0) (local.get $acs)))))`);
  for (let r = 1; r < MR; r++)
    e(
      `        (local.set $r${r} (select (i32.add (local.get $r${r - 1}) (local.get $ars)) (local.get $r0) (i32.gt_u (local.get $rows) (i32.const ${r}))))`,
    );
  e(`        (local.set $p (i32.const 0))
        (loop $coltiles
          ${Array.from({ length: MR }, (_, r) => `(local.set $a${r} (local.get $r${r}))`).join(' ')}
          (local.set $bp (i32.add (local.get $scratch)
            (i32.add (i32.mul (local.get $p) (local.get $panelBytes)) (i32.mul (local.get $k0) (i32.const ${NR * 4})))))
          (local.set $bend (i32.add (local.get $bp) (i32.mul (local.get $kc) (i32.const ${NR * 4}))))
          ${accs.map((x) => `(local.set ${x} (v128.const i32x4 0 0 0 0))`).join(' ')}
          (block $stepsDone (loop $steps`);
  // One step of k: NR/4 vectors of B, then per row of A a splat and NR/4 multiply-adds.
  const step = (u) => {
    for (let v = 0; v < V; v++)
      e(`            (local.set $b${v} (v128.load offset=${16 * v + u * NR * 4} (local.get $bp)))`);
    multiplyAdds(e, MR, V, fma, (r) => `(local.get $a${r})`, '            ');
    for (let r = 0; r < MR; r++) e(`            (local.set $a${r} (i32.add (local.get $a${r}) (local.get $acs)))`);
  };
  // `unroll` steps a pass while that many remain, then the rest one at a time.
  e(
    `            (br_if $stepsDone (i32.gt_u (i32.add (local.get $bp) (i32.const ${unroll * NR * 4})) (local.get $bend)))`,
  );
  for (let u = 0; u < unroll; u++) step(u);
  e(`            (local.set $bp (i32.add (local.get $bp) (i32.const ${unroll * NR * 4})))
            (br $steps)))`);
  if (unroll > 1) {
    e(`          (block $tailDone (loop $tail
            (br_if $tailDone (i32.ge_u (local.get $bp) (local.get $bend)))`);
    step(0);
    e(`            (local.set $bp (i32.add (local.get $bp) (i32.const ${NR * 4})))
            (br $tail)))`);
  }
  e(`          (local.set $cols (i32.sub (local.get $n) (i32.mul (local.get $p) (i32.const ${NR}))))
          (local.set $cp (i32.add (local.get $c)
            (i32.add (i32.mul (local.get $i) (local.get $rowBytes)) (i32.mul (local.get $p) (i32.const ${NR * 4})))))
          (if (i32.and (i32.ge_u (local.get $rows) (i32.const ${MR})) (i32.ge_u (local.get $cols) (i32.const ${NR})))
            (then`);
  for (let r = 0; r < MR; r++)
    e(
      `              (local.set $w${r} ${r === 0 ? '(local.get $cp)' : `(i32.add (local.get $w${r - 1}) (local.get $rowBytes))`})`,
    );
  e(`              (if (local.get $add) (then`);
  for (let r = 0; r < MR; r++)
    for (let v = 0; v < V; v++)
      e(
        `                (local.set $c${r}_${v} (f32x4.add (local.get $c${r}_${v}) (v128.load offset=${16 * v} (local.get $w${r}))))`,
      );
  e(`              ))`);
  e(`              (local.set $bcol (i32.add (local.get $bias) (i32.mul (local.get $p) (i32.const ${NR * 4}))))`);
  epilogue(e, MR, V, '(local.get $epi)', '(local.get $bcol)', '              ');
  for (let r = 0; r < MR; r++)
    for (let v = 0; v < V; v++)
      e(`              (v128.store offset=${16 * v} (local.get $w${r}) (local.get $c${r}_${v}))`);
  e(`            )
            (else`);
  for (let r = 0; r < MR; r++)
    for (let v = 0; v < V; v++)
      e(`              (v128.store offset=${(r * V + v) * 16} (local.get $tile) (local.get $c${r}_${v}))`);
  e(`              (if (i32.gt_u (local.get $rows) (i32.const ${MR})) (then (local.set $rows (i32.const ${MR}))))
              (if (i32.gt_u (local.get $cols) (i32.const ${NR})) (then (local.set $cols (i32.const ${NR}))))
              (local.set $r (i32.const 0))
              (loop $edgeRows
                (local.set $q (i32.const 0))
                (loop $edgeCols
                  (local.set $src (i32.add (local.get $tile) (i32.shl (i32.add (i32.mul (local.get $r) (i32.const ${NR})) (local.get $q)) (i32.const 2))))
                  (local.set $dst (i32.add (i32.add (local.get $cp) (i32.mul (local.get $r) (local.get $rowBytes))) (i32.shl (local.get $q) (i32.const 2))))
                  (local.set $v (f32.load (local.get $src)))
                  (if (local.get $add) (then (local.set $v (f32.add (f32.load (local.get $dst)) (local.get $v)))))
                  (if (i32.and (local.get $epi) (i32.const 1)) (then
                    (local.set $v (f32.add (local.get $v)
                      (f32.load (i32.add (local.get $bias) (i32.shl (i32.add (i32.mul (local.get $p) (i32.const ${NR})) (local.get $q)) (i32.const 2))))))))
                  (if (i32.and (local.get $epi) (i32.const 2)) (then (local.set $v (f32.max (local.get $v) (f32.const 0)))))
                  (f32.store (local.get $dst) (local.get $v))
                  (local.set $q (i32.add (local.get $q) (i32.const 1)))
                  (br_if $edgeCols (i32.lt_u (local.get $q) (local.get $cols))))
                (local.set $r (i32.add (local.get $r) (i32.const 1)))
                (br_if $edgeRows (i32.lt_u (local.get $r) (local.get $rows))))))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br_if $coltiles (i32.lt_u (local.get $p) (local.get $panels))))
        (local.set $i (i32.add (local.get $i) (i32.const ${MR})))
        (br_if $rowtiles (i32.lt_u (local.get $i) (local.get $m))))
      (local.set $k0 (i32.add (local.get $k0) (local.get $kc)))
      (br_if $kblock (i32.lt_u (local.get $k0) (local.get $k)))))`);
  return L.join('\n');
}
