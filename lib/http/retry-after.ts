/**
 * A Retry-After header as milliseconds from `now` (RFC 9110 §10.2.3: whole seconds, or an HTTP date), or undefined
 * when there is none or it cannot be read. A date in the past is 0: the sender may try again at once.
 */
export function retryAfterMs(header: string | undefined | null, now: Date): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d{1,10}$/.test(value)) return Number(value) * 1000;
  // an HTTP date names its weekday and zone (IMF-fixdate, e.g. "Wed, 21 Oct 2026 07:28:00 GMT"); a bare number
  // of another form is not one, and Date.parse would read it as a year
  if (!/^[A-Za-z]{3},? /.test(value) || !/GMT$/.test(value)) return undefined;
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - now.getTime()) : undefined;
}
