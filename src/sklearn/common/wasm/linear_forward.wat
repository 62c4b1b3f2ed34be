;; out = X @ W.T + b for row-major float64 X (rows × p), W (q × p), b (q), out (rows × q), all addresses in
;; bytes. Every output is summed feature after feature, a product then an addition (WebAssembly has no fused
;; multiply-add), then its bias is added: bit for bit what a plain loop in JavaScript gives.
;;
;; Rows go 8 at a time as 4 pairs; a pair shares an f64x2 accumulator whose lanes are its two rows. Features go
;; 2 at a time: one 16-byte load per row, and two shuffles turn the pair's two loads into
;; (row a, row b) at feature k and at feature k + 1. The 4 independent accumulators hide the addition latency.
;; Built into linear_forward.wasm by scripts/build-wasm.mjs (npm run build).
(module
  (memory (export "memory") 1)
  (func (export "forward")
    (param $x i32) (param $rows i32) (param $p i32) (param $w i32) (param $q i32) (param $b i32) (param $o i32)
    (local $ps i32) (local $qs i32) (local $pairs_end i32) (local $i i32) (local $j i32) (local $kb i32)
    (local $wj i32) (local $out i32)
    (local $r0 i32) (local $r1 i32) (local $r2 i32) (local $r3 i32)
    (local $r4 i32) (local $r5 i32) (local $r6 i32) (local $r7 i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $va v128) (local $vb v128) (local $wv v128) (local $wk v128) (local $wk1 v128)
    (local $s f64)
    (local.set $ps (i32.shl (local.get $p) (i32.const 3)))
    (local.set $qs (i32.shl (local.get $q) (i32.const 3)))
    (local.set $pairs_end (i32.shl (i32.and (local.get $p) (i32.const -2)) (i32.const 3)))
    (local.set $i (i32.const 0))
    (block $blocks_done
      (loop $blocks
        (br_if $blocks_done (i32.gt_s (i32.add (local.get $i) (i32.const 8)) (local.get $rows)))
        (local.set $r0 (i32.add (local.get $x) (i32.mul (local.get $i) (local.get $ps))))
        (local.set $r1 (i32.add (local.get $r0) (local.get $ps)))
        (local.set $r2 (i32.add (local.get $r1) (local.get $ps)))
        (local.set $r3 (i32.add (local.get $r2) (local.get $ps)))
        (local.set $r4 (i32.add (local.get $r3) (local.get $ps)))
        (local.set $r5 (i32.add (local.get $r4) (local.get $ps)))
        (local.set $r6 (i32.add (local.get $r5) (local.get $ps)))
        (local.set $r7 (i32.add (local.get $r6) (local.get $ps)))
        (local.set $j (i32.const 0))
        (block $outputs_done
          (loop $outputs
            (br_if $outputs_done (i32.ge_s (local.get $j) (local.get $q)))
            (local.set $wj (i32.add (local.get $w) (i32.mul (local.get $j) (local.get $ps))))
            (local.set $a0 (v128.const f64x2 0 0))
            (local.set $a1 (v128.const f64x2 0 0))
            (local.set $a2 (v128.const f64x2 0 0))
            (local.set $a3 (v128.const f64x2 0 0))
            (local.set $kb (i32.const 0))
            (block $pairs_done
              (loop $pairs
                (br_if $pairs_done (i32.ge_s (local.get $kb) (local.get $pairs_end)))
                (local.set $wv (v128.load (i32.add (local.get $wj) (local.get $kb))))
                (local.set $wk (i8x16.shuffle 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 (local.get $wv) (local.get $wv)))
                (local.set $wk1 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $wv) (local.get $wv)))
                (local.set $va (v128.load (i32.add (local.get $r0) (local.get $kb))))
                (local.set $vb (v128.load (i32.add (local.get $r1) (local.get $kb))))
                (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul
                  (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $va) (local.get $vb)) (local.get $wk))))
                (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul
                  (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $va) (local.get $vb)) (local.get $wk1))))
                (local.set $va (v128.load (i32.add (local.get $r2) (local.get $kb))))
                (local.set $vb (v128.load (i32.add (local.get $r3) (local.get $kb))))
                (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul
                  (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $va) (local.get $vb)) (local.get $wk))))
                (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul
                  (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $va) (local.get $vb)) (local.get $wk1))))
                (local.set $va (v128.load (i32.add (local.get $r4) (local.get $kb))))
                (local.set $vb (v128.load (i32.add (local.get $r5) (local.get $kb))))
                (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul
                  (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $va) (local.get $vb)) (local.get $wk))))
                (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul
                  (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $va) (local.get $vb)) (local.get $wk1))))
                (local.set $va (v128.load (i32.add (local.get $r6) (local.get $kb))))
                (local.set $vb (v128.load (i32.add (local.get $r7) (local.get $kb))))
                (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul
                  (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $va) (local.get $vb)) (local.get $wk))))
                (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul
                  (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $va) (local.get $vb)) (local.get $wk1))))
                (local.set $kb (i32.add (local.get $kb) (i32.const 16)))
                (br $pairs)))
            ;; an odd feature count leaves its last feature
            (if (i32.lt_s (local.get $kb) (local.get $ps))
              (then
                (local.set $wk (v128.load64_splat (i32.add (local.get $wj) (local.get $kb))))
                (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $wk)
                  (v128.load64_lane 1 (i32.add (local.get $r1) (local.get $kb))
                    (v128.load64_zero (i32.add (local.get $r0) (local.get $kb)))))))
                (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $wk)
                  (v128.load64_lane 1 (i32.add (local.get $r3) (local.get $kb))
                    (v128.load64_zero (i32.add (local.get $r2) (local.get $kb)))))))
                (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (local.get $wk)
                  (v128.load64_lane 1 (i32.add (local.get $r5) (local.get $kb))
                    (v128.load64_zero (i32.add (local.get $r4) (local.get $kb)))))))
                (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (local.get $wk)
                  (v128.load64_lane 1 (i32.add (local.get $r7) (local.get $kb))
                    (v128.load64_zero (i32.add (local.get $r6) (local.get $kb)))))))))
            (local.set $wk (v128.load64_splat (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 3)))))
            (local.set $a0 (f64x2.add (local.get $a0) (local.get $wk)))
            (local.set $a1 (f64x2.add (local.get $a1) (local.get $wk)))
            (local.set $a2 (f64x2.add (local.get $a2) (local.get $wk)))
            (local.set $a3 (f64x2.add (local.get $a3) (local.get $wk)))
            ;; out[i + r, j] for r = 0..7, q values apart
            (local.set $out (i32.add (local.get $o)
              (i32.shl (i32.add (i32.mul (local.get $i) (local.get $q)) (local.get $j)) (i32.const 3))))
            (v128.store64_lane 0 (local.get $out) (local.get $a0))
            (local.set $out (i32.add (local.get $out) (local.get $qs)))
            (v128.store64_lane 1 (local.get $out) (local.get $a0))
            (local.set $out (i32.add (local.get $out) (local.get $qs)))
            (v128.store64_lane 0 (local.get $out) (local.get $a1))
            (local.set $out (i32.add (local.get $out) (local.get $qs)))
            (v128.store64_lane 1 (local.get $out) (local.get $a1))
            (local.set $out (i32.add (local.get $out) (local.get $qs)))
            (v128.store64_lane 0 (local.get $out) (local.get $a2))
            (local.set $out (i32.add (local.get $out) (local.get $qs)))
            (v128.store64_lane 1 (local.get $out) (local.get $a2))
            (local.set $out (i32.add (local.get $out) (local.get $qs)))
            (v128.store64_lane 0 (local.get $out) (local.get $a3))
            (local.set $out (i32.add (local.get $out) (local.get $qs)))
            (v128.store64_lane 1 (local.get $out) (local.get $a3))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $outputs)))
        (local.set $i (i32.add (local.get $i) (i32.const 8)))
        (br $blocks)))
    ;; the last rows % 8 rows, one sum at a time
    (block $rows_done
      (loop $rest
        (br_if $rows_done (i32.ge_s (local.get $i) (local.get $rows)))
        (local.set $r0 (i32.add (local.get $x) (i32.mul (local.get $i) (local.get $ps))))
        (local.set $j (i32.const 0))
        (block $rest_outputs_done
          (loop $rest_outputs
            (br_if $rest_outputs_done (i32.ge_s (local.get $j) (local.get $q)))
            (local.set $wj (i32.add (local.get $w) (i32.mul (local.get $j) (local.get $ps))))
            (local.set $s (f64.const 0))
            (local.set $kb (i32.const 0))
            (block $features_done
              (loop $features
                (br_if $features_done (i32.ge_s (local.get $kb) (local.get $ps)))
                (local.set $s (f64.add (local.get $s)
                  (f64.mul (f64.load (i32.add (local.get $r0) (local.get $kb)))
                           (f64.load (i32.add (local.get $wj) (local.get $kb))))))
                (local.set $kb (i32.add (local.get $kb) (i32.const 8)))
                (br $features)))
            (f64.store
              (i32.add (local.get $o)
                (i32.shl (i32.add (i32.mul (local.get $i) (local.get $q)) (local.get $j)) (i32.const 3)))
              (f64.add (local.get $s) (f64.load (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 3))))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $rest_outputs)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rest)))))
