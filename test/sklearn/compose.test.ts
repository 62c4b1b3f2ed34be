import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveSelection } from "../../src/sklearn/compose/select.js";
import { loadEstimator } from "../../src/sklearn/load.js";
import { describeFidelity, FIXTURES } from "./harness.js";

describeFidelity("compose");

describe("composition refusals", () => {
  it("a column selection by callable is refused with a message saying what is supported", () => {
    expect(() =>
      resolveSelection(
        { global: "mymodule.pick_columns" },
        4,
        undefined,
        "ColumnTransformer transformer 'x'",
      ),
    ).toThrow(/callable \(mymodule\.pick_columns\); only names, indices, masks and slices/);
  });

  it("a column name the model never saw is a load error naming it", () => {
    expect(() => resolveSelection(["nope"], 2, ["a", "b"], "ColumnTransformer transformer 't'")).toThrow(
      /'nope'/,
    );
  });

  it("unfitted member templates load, and the fitted model around them predicts", () => {
    const est = loadEstimator(readFileSync(join(FIXTURES, "1.9.1/compose/ovr_logreg.pkl")));
    expect([...est.methods].sort()).toEqual(["decision_function", "predict", "predict_proba"]);
  });

  it("a ColumnTransformer given a table without a selected column says which", () => {
    const ct = loadEstimator(readFileSync(join(FIXTURES, "1.9.1/compose/column_by_name.pkl")));
    const names = ["sepal_length", "sepal_width", "petal_length", "petal_width", "colour", "extra"];
    const X = {
      kind: "table" as const,
      rows: 1,
      columns: names.map((name) => ({
        name,
        values: name === "colour" || name === "extra" ? ["red"] : Float64Array.of(1),
      })),
    };
    expect(() => ct.call("transform", X)).toThrow(/'size'/);
  });
});
