;; The batch tree walk of walk_kernel.ts (built into walk_kernel.wasm by scripts/build-wasm.ts, npm run build).
;; A tree is laid out as walk_kernel.ts's packTrees makes it: 16 bytes per node (left, right, feature, the child
;; NaN goes to, i32 node numbers) at $nodes, a float64 threshold per node at $thr, inner nodes first and leaves
;; from node $first on, a leaf's children itself. Rows are float64 values (already rounded to float32 for
;; scikit-learn's trees), $rowBytes apart from $x; $nan holds a byte per row, 1 when the row has a NaN.
;;
;; `steps` writes, for each of $rows rows, its leaf's node number minus $shift (an i32 at $out). Rows go 8 at a
;; time through as many branch-free steps as the deepest of the 8 needs (at most $depth): a step is `v > t`
;; as 0 or 1, picking the right or the left child, for the 8 rows at once so that their loads overlap; once
;; every row's node is a leaf (no node number below $first) the 8 rows are done. A group with a NaN row, and
;; the last rows when fewer than 8, walk one row at a time ($walk): `v <= t` left, `v > t` right, neither
;; (NaN) the NaN child.
(module
  (memory (export "memory") 1)
  (func $walk (param $nodes i32) (param $thr i32) (param $root i32) (param $first i32) (param $row i32) (result i32)
    (local $n i32) (local $a i32) (local $v f64) (local $t f64)
    (local.set $n (local.get $root))
    (block $done
      (loop $next
        (br_if $done (i32.ge_s (local.get $n) (local.get $first)))
        (local.set $a (i32.add (local.get $nodes) (i32.shl (local.get $n) (i32.const 4))))
        (local.set $v (f64.load (i32.add (local.get $row) (i32.shl (i32.load offset=8 (local.get $a)) (i32.const 3)))))
        (local.set $t (f64.load (i32.add (local.get $thr) (i32.shl (local.get $n) (i32.const 3)))))
        (local.set $n (i32.load (i32.add (local.get $a) (i32.shl
          (select (i32.const 0) (select (i32.const 1) (i32.const 3) (f64.gt (local.get $v) (local.get $t))) (f64.le (local.get $v) (local.get $t)))
          (i32.const 2)))))
        (br $next)))
    (local.get $n))
  (func $steps (export "steps") (param $nodes i32) (param $thr i32) (param $root i32) (param $first i32) (param $depth i32)
    (param $shift i32) (param $x i32) (param $rowBytes i32) (param $rows i32) (param $nan i32) (param $out i32)
    (local $i i32) (local $d i32) (local $a i32) (local $r i32) (local $f0 i32) (local $t0 f64) (local $o i32) (local $k i32)
    (local $n0 i32) (local $n1 i32) (local $n2 i32) (local $n3 i32) (local $n4 i32) (local $n5 i32) (local $n6 i32) (local $n7 i32)
    (local $x0 i32) (local $x1 i32) (local $x2 i32) (local $x3 i32) (local $x4 i32) (local $x5 i32) (local $x6 i32) (local $x7 i32)
    (local.set $r (i32.add (local.get $nodes) (i32.shl (local.get $root) (i32.const 4))))
    (local.set $f0 (i32.shl (i32.load offset=8 (local.get $r)) (i32.const 3)))
    (local.set $t0 (f64.load (i32.add (local.get $thr) (i32.shl (local.get $root) (i32.const 3)))))
    (local.set $i (i32.const 0))
    (block $groups_done
      (loop $groups
        (br_if $groups_done (i32.gt_s (i32.add (local.get $i) (i32.const 8)) (local.get $rows)))
        (local.set $x0 (i32.add (local.get $x) (i32.mul (local.get $i) (local.get $rowBytes))))
        (local.set $o (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2))))
        (if (i64.ne (i64.load (i32.add (local.get $nan) (local.get $i))) (i64.const 0))
          (then
            (local.set $k (i32.const 0))
            (loop $lane
              (i32.store (i32.add (local.get $o) (i32.shl (local.get $k) (i32.const 2)))
                (i32.sub (call $walk (local.get $nodes) (local.get $thr) (local.get $root) (local.get $first)
                  (i32.add (local.get $x0) (i32.mul (local.get $k) (local.get $rowBytes)))) (local.get $shift)))
              (local.set $k (i32.add (local.get $k) (i32.const 1)))
              (br_if $lane (i32.lt_s (local.get $k) (i32.const 8)))))
          (else
        (local.set $x1 (i32.add (local.get $x0) (local.get $rowBytes)))
        (local.set $x2 (i32.add (local.get $x1) (local.get $rowBytes)))
        (local.set $x3 (i32.add (local.get $x2) (local.get $rowBytes)))
        (local.set $x4 (i32.add (local.get $x3) (local.get $rowBytes)))
        (local.set $x5 (i32.add (local.get $x4) (local.get $rowBytes)))
        (local.set $x6 (i32.add (local.get $x5) (local.get $rowBytes)))
        (local.set $x7 (i32.add (local.get $x6) (local.get $rowBytes)))
        (local.set $n0 (i32.load (i32.add (local.get $r) (i32.shl
          (f64.gt (f64.load (i32.add (local.get $x0) (local.get $f0))) (local.get $t0)) (i32.const 2)))))
        (local.set $n1 (i32.load (i32.add (local.get $r) (i32.shl
          (f64.gt (f64.load (i32.add (local.get $x1) (local.get $f0))) (local.get $t0)) (i32.const 2)))))
        (local.set $n2 (i32.load (i32.add (local.get $r) (i32.shl
          (f64.gt (f64.load (i32.add (local.get $x2) (local.get $f0))) (local.get $t0)) (i32.const 2)))))
        (local.set $n3 (i32.load (i32.add (local.get $r) (i32.shl
          (f64.gt (f64.load (i32.add (local.get $x3) (local.get $f0))) (local.get $t0)) (i32.const 2)))))
        (local.set $n4 (i32.load (i32.add (local.get $r) (i32.shl
          (f64.gt (f64.load (i32.add (local.get $x4) (local.get $f0))) (local.get $t0)) (i32.const 2)))))
        (local.set $n5 (i32.load (i32.add (local.get $r) (i32.shl
          (f64.gt (f64.load (i32.add (local.get $x5) (local.get $f0))) (local.get $t0)) (i32.const 2)))))
        (local.set $n6 (i32.load (i32.add (local.get $r) (i32.shl
          (f64.gt (f64.load (i32.add (local.get $x6) (local.get $f0))) (local.get $t0)) (i32.const 2)))))
        (local.set $n7 (i32.load (i32.add (local.get $r) (i32.shl
          (f64.gt (f64.load (i32.add (local.get $x7) (local.get $f0))) (local.get $t0)) (i32.const 2)))))
            (local.set $d (i32.const 1))
            (block $steps_done
              (loop $steps
                (br_if $steps_done (i32.ge_s (local.get $d) (local.get $depth)))
                (br_if $steps_done (i32.ge_s (i32.or (i32.or (i32.or (i32.or (i32.or (i32.or (i32.or (i32.sub (local.get $n0) (local.get $first)) (i32.sub (local.get $n1) (local.get $first))) (i32.sub (local.get $n2) (local.get $first))) (i32.sub (local.get $n3) (local.get $first))) (i32.sub (local.get $n4) (local.get $first))) (i32.sub (local.get $n5) (local.get $first))) (i32.sub (local.get $n6) (local.get $first))) (i32.sub (local.get $n7) (local.get $first))) (i32.const 0)))
        (local.set $a (i32.add (local.get $nodes) (i32.shl (local.get $n0) (i32.const 4))))
        (local.set $n0 (i32.load (i32.add (local.get $a) (i32.shl
          (f64.gt (f64.load (i32.add (local.get $x0) (i32.shl (i32.load offset=8 (local.get $a)) (i32.const 3))))
                  (f64.load (i32.add (local.get $thr) (i32.shl (local.get $n0) (i32.const 3)))))
          (i32.const 2)))))
        (local.set $a (i32.add (local.get $nodes) (i32.shl (local.get $n1) (i32.const 4))))
        (local.set $n1 (i32.load (i32.add (local.get $a) (i32.shl
          (f64.gt (f64.load (i32.add (local.get $x1) (i32.shl (i32.load offset=8 (local.get $a)) (i32.const 3))))
                  (f64.load (i32.add (local.get $thr) (i32.shl (local.get $n1) (i32.const 3)))))
          (i32.const 2)))))
        (local.set $a (i32.add (local.get $nodes) (i32.shl (local.get $n2) (i32.const 4))))
        (local.set $n2 (i32.load (i32.add (local.get $a) (i32.shl
          (f64.gt (f64.load (i32.add (local.get $x2) (i32.shl (i32.load offset=8 (local.get $a)) (i32.const 3))))
                  (f64.load (i32.add (local.get $thr) (i32.shl (local.get $n2) (i32.const 3)))))
          (i32.const 2)))))
        (local.set $a (i32.add (local.get $nodes) (i32.shl (local.get $n3) (i32.const 4))))
        (local.set $n3 (i32.load (i32.add (local.get $a) (i32.shl
          (f64.gt (f64.load (i32.add (local.get $x3) (i32.shl (i32.load offset=8 (local.get $a)) (i32.const 3))))
                  (f64.load (i32.add (local.get $thr) (i32.shl (local.get $n3) (i32.const 3)))))
          (i32.const 2)))))
        (local.set $a (i32.add (local.get $nodes) (i32.shl (local.get $n4) (i32.const 4))))
        (local.set $n4 (i32.load (i32.add (local.get $a) (i32.shl
          (f64.gt (f64.load (i32.add (local.get $x4) (i32.shl (i32.load offset=8 (local.get $a)) (i32.const 3))))
                  (f64.load (i32.add (local.get $thr) (i32.shl (local.get $n4) (i32.const 3)))))
          (i32.const 2)))))
        (local.set $a (i32.add (local.get $nodes) (i32.shl (local.get $n5) (i32.const 4))))
        (local.set $n5 (i32.load (i32.add (local.get $a) (i32.shl
          (f64.gt (f64.load (i32.add (local.get $x5) (i32.shl (i32.load offset=8 (local.get $a)) (i32.const 3))))
                  (f64.load (i32.add (local.get $thr) (i32.shl (local.get $n5) (i32.const 3)))))
          (i32.const 2)))))
        (local.set $a (i32.add (local.get $nodes) (i32.shl (local.get $n6) (i32.const 4))))
        (local.set $n6 (i32.load (i32.add (local.get $a) (i32.shl
          (f64.gt (f64.load (i32.add (local.get $x6) (i32.shl (i32.load offset=8 (local.get $a)) (i32.const 3))))
                  (f64.load (i32.add (local.get $thr) (i32.shl (local.get $n6) (i32.const 3)))))
          (i32.const 2)))))
        (local.set $a (i32.add (local.get $nodes) (i32.shl (local.get $n7) (i32.const 4))))
        (local.set $n7 (i32.load (i32.add (local.get $a) (i32.shl
          (f64.gt (f64.load (i32.add (local.get $x7) (i32.shl (i32.load offset=8 (local.get $a)) (i32.const 3))))
                  (f64.load (i32.add (local.get $thr) (i32.shl (local.get $n7) (i32.const 3)))))
          (i32.const 2)))))
                (local.set $d (i32.add (local.get $d) (i32.const 1)))
                (br $steps)))
        (i32.store offset=0 (local.get $o) (i32.sub (local.get $n0) (local.get $shift)))
        (i32.store offset=4 (local.get $o) (i32.sub (local.get $n1) (local.get $shift)))
        (i32.store offset=8 (local.get $o) (i32.sub (local.get $n2) (local.get $shift)))
        (i32.store offset=12 (local.get $o) (i32.sub (local.get $n3) (local.get $shift)))
        (i32.store offset=16 (local.get $o) (i32.sub (local.get $n4) (local.get $shift)))
        (i32.store offset=20 (local.get $o) (i32.sub (local.get $n5) (local.get $shift)))
        (i32.store offset=24 (local.get $o) (i32.sub (local.get $n6) (local.get $shift)))
        (i32.store offset=28 (local.get $o) (i32.sub (local.get $n7) (local.get $shift)))))
        (local.set $i (i32.add (local.get $i) (i32.const 8)))
        (br $groups)))
    (block $tail_done
      (loop $tail
        (br_if $tail_done (i32.ge_s (local.get $i) (local.get $rows)))
        (i32.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2)))
          (i32.sub (call $walk (local.get $nodes) (local.get $thr) (local.get $root) (local.get $first)
            (i32.add (local.get $x) (i32.mul (local.get $i) (local.get $rowBytes)))) (local.get $shift)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tail))))
  ;; For the 8-byte-aligned output block at $out ($rows rows, $stride float64 values a row, already holding the
  ;; rows' starting values): tree after tree (16 bytes each at $trees: root, first leaf, depth, shift), the leaf
  ;; every row reaches (`steps`, into $leaves) adds its $width values (at $payload, $width per leaf ordinal) to
  ;; the row from the tree's column on (an i32 per tree at $columns). Additions in tree order, as scikit-learn's.
  (func (export "add_leaf_values") (param $nodes i32) (param $thr i32) (param $trees i32) (param $ntrees i32)
    (param $payload i32) (param $width i32) (param $columns i32) (param $stride i32)
    (param $x i32) (param $rowBytes i32) (param $rows i32) (param $nan i32) (param $leaves i32) (param $out i32)
    (local $t i32) (local $m i32) (local $r i32) (local $j i32) (local $src i32) (local $dst i32)
    (local $wb i32) (local $sb i32) (local $col i32)
    (local.set $wb (i32.shl (local.get $width) (i32.const 3)))
    (local.set $sb (i32.shl (local.get $stride) (i32.const 3)))
    (local.set $t (i32.const 0))
    (block $trees_done
      (loop $each_tree
        (br_if $trees_done (i32.ge_s (local.get $t) (local.get $ntrees)))
        (local.set $m (i32.add (local.get $trees) (i32.shl (local.get $t) (i32.const 4))))
        (call $steps (local.get $nodes) (local.get $thr)
          (i32.load (local.get $m)) (i32.load offset=4 (local.get $m)) (i32.load offset=8 (local.get $m))
          (i32.load offset=12 (local.get $m))
          (local.get $x) (local.get $rowBytes) (local.get $rows) (local.get $nan) (local.get $leaves))
        (local.set $col (i32.add (local.get $out)
          (i32.shl (i32.load (i32.add (local.get $columns) (i32.shl (local.get $t) (i32.const 2)))) (i32.const 3))))
        (local.set $r (i32.const 0))
        (block $rows_done
          (loop $each_row
            (br_if $rows_done (i32.ge_s (local.get $r) (local.get $rows)))
            (local.set $src (i32.add (local.get $payload)
              (i32.mul (i32.load (i32.add (local.get $leaves) (i32.shl (local.get $r) (i32.const 2)))) (local.get $wb))))
            (local.set $dst (i32.add (local.get $col) (i32.mul (local.get $r) (local.get $sb))))
            (local.set $j (i32.const 0))
            (loop $each_value
              (f64.store (i32.add (local.get $dst) (local.get $j))
                (f64.add (f64.load (i32.add (local.get $dst) (local.get $j))) (f64.load (i32.add (local.get $src) (local.get $j)))))
              (local.set $j (i32.add (local.get $j) (i32.const 8)))
              (br_if $each_value (i32.lt_s (local.get $j) (local.get $wb))))
            (local.set $r (i32.add (local.get $r) (i32.const 1)))
            (br $each_row)))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $each_tree))))
)
