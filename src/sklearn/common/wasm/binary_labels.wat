;; out[i] = values[i] > threshold ? second : first, for the labels of a two-class classifier: `width` bytes
;; each (1, 2, 4 or 8), passed as the low bytes of an i64. A NaN value is not above: the first label, as numpy's
;; `classes_[(scores > 0).astype(int)]`. Addresses in bytes. Built into binary_labels.wasm by
;; scripts/build-wasm.ts (npm run build).
(module
  (memory (export "memory") 1)
  (func (export "select")
    (param $values i32) (param $n i32) (param $threshold f64) (param $width i32)
    (param $first i64) (param $second i64) (param $out i32)
    (local $end i32) (local $label i64)
    (local.set $end (i32.add (local.get $values) (i32.shl (local.get $n) (i32.const 3))))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $values) (local.get $end)))
        (local.set $label
          (select (local.get $second) (local.get $first)
            (f64.gt (f64.load (local.get $values)) (local.get $threshold))))
        ;; the width is the same for every value: the branch is always predicted
        (if (i32.eq (local.get $width) (i32.const 8))
          (then (i64.store (local.get $out) (local.get $label)))
          (else (if (i32.eq (local.get $width) (i32.const 4))
            (then (i64.store32 (local.get $out) (local.get $label)))
            (else (if (i32.eq (local.get $width) (i32.const 2))
              (then (i64.store16 (local.get $out) (local.get $label)))
              (else (i64.store8 (local.get $out) (local.get $label))))))))
        (local.set $values (i32.add (local.get $values) (i32.const 8)))
        (local.set $out (i32.add (local.get $out) (local.get $width)))
        (br $each)))))
