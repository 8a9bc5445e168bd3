/**
 * Numerical special functions for the experiment statistics (lib/experiments/stats.ts). Pure, no
 * dependencies: a statistics package would pull megabytes into the bundle for a dozen functions.
 *
 * What is here, and how accurate it is (checked in distributions.test.ts against scipy values):
 * - logGamma: Lanczos approximation (g = 7, 9 coefficients, as published on Wikipedia), relative
 *   error ~1e-15. Its absolute error grows with the argument, so differences of ln Γ at large
 *   arguments (ln B, the Beta density and CDF for arms with millions of units) use Stirling's series
 *   with the cancelling terms removed algebraically instead (see logBetaPowerTerms).
 * - regularizedIncompleteBeta I_x(a, b): the continued fraction of Numerical Recipes §6.4 evaluated
 *   with the modified Lentz method, on the side of the symmetry point where it converges fast.
 * - regularizedGammaP / Q: series for x < s + 1, Legendre continued fraction otherwise (NR §6.2).
 * - normalCdf / normalSf: through erfc(x) = Q(1/2, x²), so tails keep their relative precision.
 * - normalQuantile: Acklam's rational approximation (relative error 1.15e-9) polished by one Halley
 *   step against normalCdf, which brings it to ~1e-15.
 * - studentT*: the t tail is ½·I_{df/(df+t²)}(df/2, 1/2); the quantile is Newton's method on that tail,
 *   kept inside a bisection bracket so it cannot diverge for small df.
 * - chiSquare*: P(k/2, x/2) and Q(k/2, x/2).
 * - beta*: density, CDF (= I_x) and a bisection quantile (used for integration limits).
 * - gaussLegendre: nodes and weights on [-1, 1] by Newton's method on Legendre polynomials (NR §4.6).
 */

const MAX_ITERATIONS = 10_000;
const EPSILON = 1e-15;
const TINY = 1e-300; // keeps the Lentz recurrences off an exact zero

// A front factor exp(logFront) below e^-760 is 0 in double precision whatever the continued fraction is.
const LOG_UNDERFLOW = -760;

const LANCZOS_G = 7;
const LANCZOS_COEFFICIENTS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

function requirePositive(value: number, name: string): void {
  if (!(value > 0) || !Number.isFinite(value))
    throw new Error(`${name} must be a positive finite number (got ${value})`);
}

function requireProbability(p: number, name = "p"): void {
  if (!(p >= 0 && p <= 1)) throw new Error(`${name} must be a probability between 0 and 1 (got ${p})`);
}

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  requirePositive(x, "logGamma: x");
  // Reflection keeps the Lanczos sum in the region where its coefficients were fitted.
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS_COEFFICIENTS[0];
  for (let i = 1; i < LANCZOS_COEFFICIENTS.length; i++) sum += LANCZOS_COEFFICIENTS[i] / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return HALF_LOG_TWO_PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

// Below this, ln Γ comes from Lanczos; from here on the Stirling series below is exact to rounding.
const STIRLING_MIN = 10;
// Stirling series coefficients B_2k / (2k(2k − 1)) for k = 1..8.
const STIRLING_COEFFICIENTS = [1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156, -3617 / 122400];

// δ(x) = ln Γ(x) − [(x − ½) ln x − x + ½ ln 2π], the small remainder of Stirling's formula (x ≥ 10).
function stirlingRemainder(x: number): number {
  const inverseSquare = 1 / (x * x);
  let sum = 0;
  for (let k = STIRLING_COEFFICIENTS.length - 1; k >= 0; k--) sum = sum * inverseSquare + STIRLING_COEFFICIENTS[k];
  return sum / x;
}

/** ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b). */
export function logBeta(a: number, b: number): number {
  if (a >= STIRLING_MIN && b >= STIRLING_MIN) {
    // Stirling for all three terms: the −a − b + (a + b) parts cancel exactly instead of in rounding.
    const s = a + b;
    return (
      HALF_LOG_TWO_PI -
      0.5 * Math.log(s) +
      (a - 0.5) * Math.log(a / s) +
      (b - 0.5) * Math.log(b / s) +
      stirlingRemainder(a) +
      stirlingRemainder(b) -
      stirlingRemainder(s)
    );
  }
  if (b >= STIRLING_MIN) return logGammaRatioPlus(a, b);
  if (a >= STIRLING_MIN) return logGammaRatioPlus(b, a);
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

// a < 10 ≤ b: ln Γ(a) + [ln Γ(b) − ln Γ(a + b)], the bracket by Stirling with its cancelling parts removed.
function logGammaRatioPlus(a: number, b: number): number {
  const s = a + b;
  return (
    logGamma(a) - (b - 0.5) * Math.log1p(a / b) - a * Math.log(s) + a + stirlingRemainder(b) - stirlingRemainder(s)
  );
}

/**
 * ln(x^a · y^b / B(a, b)) with y = 1 − x: the front factor of the incomplete beta and, less ln x + ln y,
 * the log density. Written naively it subtracts numbers of size a·ln x that nearly cancel (1e9 for arms
 * with 1e8 units); instead the large parameters go through Stirling and a·ln(x/(a/s)) is taken with
 * log1p, the way Boost's ibeta_power_terms does, so the result keeps ~1e-15 absolute precision.
 */
function logBetaPowerTerms(x: number, y: number, a: number, b: number): number {
  const s = a + b;
  // x − a/s and y − b/s are the same number with opposite signs; take it from whichever of x and y is
  // the smaller (the one represented more precisely), so that b·ln(y/(b/s)) does not inherit y's rounding.
  const deviation = x <= 0.5 ? x - a / s : b / s - y;
  if (a >= STIRLING_MIN && b >= STIRLING_MIN) {
    return (
      a * Math.log1p(deviation / (a / s)) +
      b * Math.log1p(-deviation / (b / s)) +
      0.5 * Math.log((a * b) / s) -
      HALF_LOG_TWO_PI -
      stirlingRemainder(a) -
      stirlingRemainder(b) +
      stirlingRemainder(s)
    );
  }
  if (b >= STIRLING_MIN) return smallLargePowerTerms(x, a, b, deviation);
  if (a >= STIRLING_MIN) return smallLargePowerTerms(y, b, a, -deviation);
  return a * Math.log(x) + b * Math.log(y) - logBeta(a, b);
}

// a < 10 ≤ b, with deviation = x − a/s: ln Γ(b) − ln Γ(a + b) by Stirling, ln Γ(a) by Lanczos.
function smallLargePowerTerms(x: number, a: number, b: number, deviation: number): number {
  const s = a + b;
  return (
    a * Math.log(x * s) -
    a -
    logGamma(a) +
    b * Math.log1p(-deviation / (b / s)) -
    0.5 * Math.log1p(a / b) -
    stirlingRemainder(b) +
    stirlingRemainder(s)
  );
}

// Continued fraction for I_x(a, b) (NR betacf), modified Lentz. Converges quickly for x < (a+1)/(a+b+2).
function betaContinuedFraction(x: number, a: number, b: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= MAX_ITERATIONS; m++) {
    const m2 = 2 * m;
    // even step
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    // odd step
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPSILON) return h;
  }
  throw new Error(`incomplete beta: continued fraction did not converge (x=${x}, a=${a}, b=${b})`);
}

/** The regularized incomplete beta function I_x(a, b) = P(X ≤ x) for X ~ Beta(a, b). */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  return incompleteBetaWithComplement(x, 1 - x, a, b);
}

// I_x(a, b) given both x and y = 1 − x: callers that can compute y exactly (the t distribution) keep
// its relative precision when x is close to 1.
function incompleteBetaWithComplement(x: number, y: number, a: number, b: number): number {
  requirePositive(a, "incomplete beta: a");
  requirePositive(b, "incomplete beta: b");
  if (Number.isNaN(x) || Number.isNaN(y)) throw new Error("incomplete beta: x is NaN");
  if (x <= 0) return 0;
  if (y <= 0) return 1;
  const logFront = logBetaPowerTerms(x, y, a, b);
  // Evaluate the fraction on the side where it converges; use I_x(a,b) = 1 − I_{1−x}(b,a) on the other.
  if (x < (a + 1) / (a + b + 2)) {
    if (logFront < LOG_UNDERFLOW) return 0;
    return (Math.exp(logFront) * betaContinuedFraction(x, a, b)) / a;
  }
  if (logFront < LOG_UNDERFLOW) return 1;
  return 1 - (Math.exp(logFront) * betaContinuedFraction(y, b, a)) / b;
}

/** The regularized lower incomplete gamma function P(s, x). */
export function regularizedGammaP(s: number, x: number): number {
  requirePositive(s, "incomplete gamma: s");
  if (!(x >= 0)) throw new Error(`incomplete gamma: x must be at least 0 (got ${x})`);
  if (x === 0) return 0;
  if (x === Infinity) return 1;
  return x < s + 1 ? gammaSeries(s, x) : 1 - gammaContinuedFraction(s, x);
}

/** The regularized upper incomplete gamma function Q(s, x) = 1 − P(s, x), computed without cancellation. */
export function regularizedGammaQ(s: number, x: number): number {
  requirePositive(s, "incomplete gamma: s");
  if (!(x >= 0)) throw new Error(`incomplete gamma: x must be at least 0 (got ${x})`);
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  return x < s + 1 ? 1 - gammaSeries(s, x) : gammaContinuedFraction(s, x);
}

function gammaSeries(s: number, x: number): number {
  const logFront = -x + s * Math.log(x) - logGamma(s);
  if (logFront < LOG_UNDERFLOW) return 0;
  let term = 1 / s;
  let sum = term;
  for (let n = 1; n <= MAX_ITERATIONS; n++) {
    term *= x / (s + n);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPSILON) return sum * Math.exp(logFront);
  }
  throw new Error(`incomplete gamma: series did not converge (s=${s}, x=${x})`);
}

function gammaContinuedFraction(s: number, x: number): number {
  const logFront = -x + s * Math.log(x) - logGamma(s);
  if (logFront < LOG_UNDERFLOW) return 0;
  let b = x + 1 - s;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i <= MAX_ITERATIONS; i++) {
    const an = -i * (i - s);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPSILON) return Math.exp(logFront) * h;
  }
  throw new Error(`incomplete gamma: continued fraction did not converge (s=${s}, x=${x})`);
}

// ---------------------------------------------------------------------------------------------------
// Normal distribution

/** Standard normal density. */
export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z - HALF_LOG_TWO_PI);
}

/** Standard normal CDF Φ(z). */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) throw new Error("normalCdf: z is NaN");
  // Φ(z) = ½·erfc(−z/√2) and erfc(y) = Q(½, y²) for y ≥ 0: the lower tail is computed directly.
  const halfErfc = 0.5 * regularizedGammaQ(0.5, 0.5 * z * z);
  return z < 0 ? halfErfc : 1 - halfErfc;
}

/** Standard normal survival function 1 − Φ(z), precise in the upper tail. */
export function normalSf(z: number): number {
  return normalCdf(-z);
}

// Acklam's coefficients (P. J. Acklam, "An algorithm for computing the inverse normal cumulative
// distribution function", 2003).
const ACKLAM_A = [
  -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1,
  2.506628277459239,
];
const ACKLAM_B = [
  -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1,
];
const ACKLAM_C = [
  -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
];
const ACKLAM_D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
const ACKLAM_LOW = 0.02425;

function acklamQuantile(p: number): number {
  if (p < ACKLAM_LOW || p > 1 - ACKLAM_LOW) {
    // tails: rational function in sqrt(−2 ln q), with q the smaller tail
    const q = Math.sqrt(-2 * Math.log(p < ACKLAM_LOW ? p : 1 - p));
    const x =
      (((((ACKLAM_C[0] * q + ACKLAM_C[1]) * q + ACKLAM_C[2]) * q + ACKLAM_C[3]) * q + ACKLAM_C[4]) * q + ACKLAM_C[5]) /
      ((((ACKLAM_D[0] * q + ACKLAM_D[1]) * q + ACKLAM_D[2]) * q + ACKLAM_D[3]) * q + 1);
    return p < ACKLAM_LOW ? x : -x;
  }
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((ACKLAM_A[0] * r + ACKLAM_A[1]) * r + ACKLAM_A[2]) * r + ACKLAM_A[3]) * r + ACKLAM_A[4]) * r + ACKLAM_A[5]) *
      q) /
    (((((ACKLAM_B[0] * r + ACKLAM_B[1]) * r + ACKLAM_B[2]) * r + ACKLAM_B[3]) * r + ACKLAM_B[4]) * r + 1)
  );
}

/** Standard normal quantile Φ⁻¹(p). */
export function normalQuantile(p: number): number {
  requireProbability(p);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  let x = acklamQuantile(p);
  // One Halley step against the accurate CDF; compare in the smaller tail so tiny p keep their digits.
  const error = x < 0 ? normalCdf(x) - p : 1 - p - normalSf(x);
  const u = error * Math.sqrt(2 * Math.PI) * Math.exp(0.5 * x * x);
  if (Number.isFinite(u)) x -= u / (1 + 0.5 * x * u);
  return x;
}

// ---------------------------------------------------------------------------------------------------
// Student's t distribution

/** Student t density with df degrees of freedom. */
export function studentTPdf(t: number, df: number): number {
  requirePositive(df, "studentT: df");
  return Math.exp(
    logGamma((df + 1) / 2) -
      logGamma(df / 2) -
      0.5 * Math.log(df * Math.PI) -
      ((df + 1) / 2) * Math.log1p((t * t) / df),
  );
}

// P(T > |t|), the one-sided tail beyond |t|.
function studentTTail(t: number, df: number): number {
  if (!Number.isFinite(t)) return 0;
  const tSquared = t * t;
  if (tSquared === Infinity) return 0;
  // Both x = df/(df+t²) and 1 − x = t²/(df+t²) are formed directly, so neither loses digits.
  return 0.5 * incompleteBetaWithComplement(df / (df + tSquared), tSquared / (df + tSquared), df / 2, 0.5);
}

/** Student t CDF P(T ≤ t). */
export function studentTCdf(t: number, df: number): number {
  requirePositive(df, "studentT: df");
  if (Number.isNaN(t)) throw new Error("studentTCdf: t is NaN");
  const tail = studentTTail(t, df);
  return t > 0 ? 1 - tail : tail;
}

/** Student t survival function P(T > t). */
export function studentTSf(t: number, df: number): number {
  return studentTCdf(-t, df);
}

/** Two-sided p-value P(|T| ≥ |t|), without the cancellation of 2·(1 − CDF). */
export function studentTTwoSidedPValue(t: number, df: number): number {
  requirePositive(df, "studentT: df");
  if (Number.isNaN(t)) throw new Error("studentTTwoSidedPValue: t is NaN");
  return Math.min(1, 2 * studentTTail(t, df));
}

/** Student t quantile: the t with P(T ≤ t) = p. */
export function studentTQuantile(p: number, df: number): number {
  requireProbability(p);
  requirePositive(df, "studentT: df");
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  const upperTail = 1 - p;
  // Bracket: the tail is 0.5 at 0 and falls as t grows; double the upper end until it is below target.
  let lo = 0;
  let hi = Math.max(1, normalQuantile(p));
  while (studentTTail(hi, df) > upperTail) {
    lo = hi;
    hi *= 2;
    if (!Number.isFinite(hi)) return Infinity;
  }
  let t = Math.min(Math.max(normalQuantile(p), lo), hi);
  for (let i = 0; i < 200; i++) {
    const difference = studentTTail(t, df) - upperTail; // decreasing in t
    if (difference > 0) lo = t;
    else hi = t;
    // Newton on the tail (its derivative is −pdf); fall back to bisection if the step leaves the bracket.
    let next = t + difference / studentTPdf(t, df);
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (Math.abs(next - t) <= 1e-15 * Math.max(1, Math.abs(t)) || hi - lo <= 1e-15 * Math.max(1, hi)) return next;
    t = next;
  }
  return t;
}

// ---------------------------------------------------------------------------------------------------
// Chi-square distribution

/** Chi-square CDF with k degrees of freedom. */
export function chiSquareCdf(x: number, k: number): number {
  requirePositive(k, "chiSquare: degrees of freedom");
  if (x <= 0) return 0;
  return regularizedGammaP(k / 2, x / 2);
}

/** Chi-square survival function (the upper-tail p-value of a chi-square statistic). */
export function chiSquareSf(x: number, k: number): number {
  requirePositive(k, "chiSquare: degrees of freedom");
  if (x <= 0) return 1;
  return regularizedGammaQ(k / 2, x / 2);
}

// ---------------------------------------------------------------------------------------------------
// Beta distribution

/** ln of the Beta(a, b) density at x in (0, 1). */
export function betaLogPdf(x: number, a: number, b: number): number {
  requirePositive(a, "beta: a");
  requirePositive(b, "beta: b");
  if (x < 0 || x > 1) return -Infinity;
  if (x === 0) return a === 1 ? -logBeta(a, b) : a < 1 ? Infinity : -Infinity;
  if (x === 1) return b === 1 ? -logBeta(a, b) : b < 1 ? Infinity : -Infinity;
  const y = 1 - x;
  return logBetaPowerTerms(x, y, a, b) - Math.log(x) - Math.log(y);
}

/** Beta(a, b) CDF. */
export function betaCdf(x: number, a: number, b: number): number {
  return regularizedIncompleteBeta(x, a, b);
}

/** Beta(a, b) quantile by bisection on the CDF (robust rather than fast: used for integration limits). */
export function betaQuantile(p: number, a: number, b: number): number {
  requireProbability(p);
  requirePositive(a, "beta: a");
  requirePositive(b, "beta: b");
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 100 && hi - lo > 0; i++) {
    const mid = 0.5 * (lo + hi);
    if (mid === lo || mid === hi) break;
    if (regularizedIncompleteBeta(mid, a, b) < p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

// ---------------------------------------------------------------------------------------------------
// Quadrature

/** Gauss–Legendre nodes and weights for n points on [−1, 1]. */
export function gaussLegendre(n: number): { nodes: number[]; weights: number[] } {
  if (!Number.isInteger(n) || n < 1) throw new Error(`gaussLegendre: n must be a positive integer (got ${n})`);
  const nodes = new Array<number>(n);
  const weights = new Array<number>(n);
  for (let i = 0; i < Math.ceil(n / 2); i++) {
    // Chebyshev-like starting guess for the i-th root, then Newton on P_n.
    let x = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let derivative = 0;
    for (let iteration = 0; iteration < 100; iteration++) {
      let p0 = 1;
      let p1 = 0;
      for (let j = 1; j <= n; j++) {
        const p2 = p1;
        p1 = p0;
        p0 = ((2 * j - 1) * x * p1 - (j - 1) * p2) / j;
      }
      derivative = (n * (x * p0 - p1)) / (x * x - 1);
      const step = p0 / derivative;
      x -= step;
      if (Math.abs(step) < 1e-16) break;
    }
    nodes[i] = -x;
    nodes[n - 1 - i] = x;
    weights[i] = weights[n - 1 - i] = 2 / ((1 - x * x) * derivative * derivative);
  }
  return { nodes, weights };
}
