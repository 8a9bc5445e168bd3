/**
 * An order's value, read from the converting event: the journey goal's `revenueProperty` (a top-level
 * property, as the experiments' analysis reads it, lib/experiments/analysis.ts).
 *
 * - no revenue property configured: null, the conversion is not an order;
 * - a finite number, or a string that is a plain decimal number ("19.99", " 42 "): that amount;
 * - anything else (missing, "free", true, an object, a number too large for Decimal(18, 4)): "0", an order
 *   without a value, so orders still count it and average order value is not overstated by leaving it out.
 *
 * The result is decimal text for Postgres to round into `numeric(18, 4)`: money never passes through a float
 * sum, only through this one parse of the value as sent.
 */
const MAX_ABS = 1e14; // Decimal(18, 4) holds 14 integer digits
const DECIMAL_TEXT = /^-?\d{1,14}(\.\d+)?$/;

export function revenueOf(
  properties: Record<string, unknown> | null | undefined,
  revenueProperty: string | null | undefined,
): string | null {
  if (!revenueProperty) return null;
  const value = properties?.[revenueProperty];
  if (typeof value === "number") return Number.isFinite(value) && Math.abs(value) < MAX_ABS ? String(value) : "0";
  if (typeof value === "string" && DECIMAL_TEXT.test(value.trim())) return value.trim();
  return "0";
}
