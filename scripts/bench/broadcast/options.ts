/**
 * bench:broadcast's options: --profiles N (default 1,000,000), --baseline M (default min(N, 200,000)),
 * --chains K (default 1), --pglite; each also as BENCH_PROFILES, BENCH_BASELINE, BENCH_CHAINS, BENCH_PGLITE=1.
 * A value that is not a whole number ≥ 1 is refused, naming the option (a typo must not run a million by default).
 */
export interface BenchOptions {
  profiles: number;
  baseline: number;
  chains: number;
  pglite: boolean;
}

export function parseBenchOptions(argv: readonly string[], env: Record<string, string | undefined>): BenchOptions {
  const known = new Set(["--profiles", "--baseline", "--chains", "--pglite"]);
  for (const arg of argv) if (arg.startsWith("--") && !known.has(arg)) throw new Error(`unknown option ${arg}`);
  const whole = (name: string, fallback: number): number => {
    const at = argv.indexOf(`--${name}`);
    const value = at >= 0 ? (argv[at + 1] ?? "") : env[`BENCH_${name.toUpperCase()}`];
    if (value === undefined) return fallback;
    const n = Number(value.replace(/[_,]/g, ""));
    if (!value.trim() || !Number.isInteger(n) || n < 1)
      throw new Error(`--${name} must be a whole number ≥ 1, not "${value}"`);
    return n;
  };
  const profiles = whole("profiles", 1_000_000);
  return {
    profiles,
    baseline: whole("baseline", Math.min(profiles, 200_000)),
    chains: whole("chains", 1),
    pglite: argv.includes("--pglite") || env.BENCH_PGLITE === "1",
  };
}
