import { describe, expect, it } from "vitest";
import { parseBenchOptions } from "./options";

describe("parseBenchOptions", () => {
  it("defaults to a million people, a baseline of 200,000, one chain, Postgres", () => {
    expect(parseBenchOptions([], {})).toEqual({ profiles: 1_000_000, baseline: 200_000, chains: 1, pglite: false });
  });

  it("reads flags before the environment, accepts 100_000 and 100,000, and caps the default baseline at N", () => {
    expect(parseBenchOptions(["--profiles", "100_000", "--pglite"], { BENCH_PROFILES: "5" })).toEqual({
      profiles: 100_000,
      baseline: 100_000,
      chains: 1,
      pglite: true,
    });
    expect(parseBenchOptions([], { BENCH_PROFILES: "20,000", BENCH_CHAINS: "2" })).toMatchObject({
      profiles: 20_000,
      chains: 2,
    });
  });

  it("refuses a value that is not a whole number ≥ 1, naming the option", () => {
    expect(() => parseBenchOptions(["--profiles", "lots"], {})).toThrow(
      '--profiles must be a whole number ≥ 1, not "lots"',
    );
    expect(() => parseBenchOptions(["--baseline", "0"], {})).toThrow("--baseline must be");
    expect(() => parseBenchOptions(["--chains", "1.5"], {})).toThrow("--chains must be");
    expect(() => parseBenchOptions(["--profiles"], { BENCH_PROFILES: "" })).toThrow("--profiles must be");
    expect(() => parseBenchOptions([], { BENCH_PROFILES: " " })).toThrow("--profiles must be");
  });

  it("refuses an option it does not know (a typo would otherwise send a million)", () => {
    expect(() => parseBenchOptions(["--profile", "10"], {})).toThrow("unknown option --profile");
  });
});
