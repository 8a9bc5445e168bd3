/** Words the node summaries share: "3 rules", "2 days", “Signed Up”. */

export const plural = (n: number, word: string) => `${n} ${n === 1 ? word.replace(/s$/, "") : word}`;

export const duration = (d: { amount?: number; unit?: string } | undefined) =>
  d?.amount && d.unit ? plural(d.amount, d.unit) : "—";

export const quoted = (s: unknown) => (typeof s === "string" && s.trim() ? `“${s.trim()}”` : null);

/** A segment by name when it is known, else by id. */
export const segmentName = (segmentId: string, names?: ReadonlyMap<string, string>) => {
  const name = names?.get(segmentId);
  return name ? `“${name}”` : segmentId;
};
