import { describe, expect, it } from "vitest";
import { main } from "../src/cli/main.js";
import { VERSION } from "../src/version.js";

describe("cli", () => {
  it("prints the version and exits 0", async () => {
    const out: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => {
      out.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
    try {
      expect(await main(["--version"])).toBe(0);
    } finally {
      process.stdout.write = write;
    }
    expect(out.join("")).toContain(VERSION);
  });

  it("exits 2 on an unknown command", async () => {
    const err = process.stderr.write.bind(process.stderr);
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      expect(await main(["no-such-command"])).toBe(2);
    } finally {
      process.stderr.write = err;
    }
  });
});
