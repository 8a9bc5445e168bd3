import { NonRetriableError } from "inngest";
import type { z } from "zod";

/**
 * An Inngest function's payload, checked against its contract (lib/jobs/contracts.ts). A payload that does not
 * match is a bug in whoever sent it, and no retry can fix it: the run fails at once, naming the event and the
 * field, instead of failing somewhere inside the use-case with `undefined`.
 */
export function parseJob<S extends z.ZodType>(schema: S, event: { name: string; data: unknown }): z.output<S> {
  const parsed = schema.safeParse(event.data);
  if (parsed.success) return parsed.data;
  const where = parsed.error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join(".") || "(data)"}: ${issue.message}`)
    .join("; ");
  throw new NonRetriableError(`Event ${event.name} has an invalid payload: ${where}`);
}
