import { randomUUID } from "node:crypto";
import type { WorkspaceContext } from "../auth/context";
import { db, type Prisma } from "../db/client";
import { pgPool } from "../db/pool";
import { processIngestedEvents, type ProcessResult } from "../engine/process-events";
import { claimDueEnrollments } from "../engine/wake";
import type { WebhookOptions } from "../engine/webhook";
import { walkEnrollments } from "../engine/walk-enrollments";
import { ingest } from "../ingest/ingest";
import type { TJourneyGraphInput } from "../journeys/graph";
import { ZJourneyGraph } from "../journeys/graph";
import { validateJourney } from "../journeys/validate";

/**
 * Runs the engine the way its Inngest functions do (process-event → advance-enrollment ⇄ webhook step,
 * wake-due), in-line and at a clock the test sets, so engine tests are deterministic. The functions in
 * inngest/functions are these same calls wrapped in steps; the executor tests run them for real.
 */
export class EngineDriver {
  now: Date;
  messages: string[] = [];

  constructor(
    private readonly ctx: WorkspaceContext,
    start: Date,
    private readonly webhook: WebhookOptions = { maxAttempts: 1, timeoutMs: 2_000 },
  ) {
    this.now = start;
  }

  clock = () => this.now;

  advanceTime(ms: number): void {
    this.now = new Date(this.now.getTime() + ms);
  }

  /** Ingests Segment-style messages at the current time and lets the engine react to them. */
  async send(messages: Record<string, unknown>[]): Promise<ProcessResult> {
    const stamped = messages.map((m) => ({ messageId: randomUUID(), timestamp: this.now.toISOString(), ...m }));
    const stored = await ingest(this.ctx, JSON.stringify({ batch: stamped }), "batch", this.clock);
    return this.process(stored.eventIds);
  }

  async track(userId: string, event: string, properties: Record<string, unknown> = {}): Promise<ProcessResult> {
    return this.send([{ type: "track", userId, event, properties }]);
  }

  async process(eventIds: string[]): Promise<ProcessResult> {
    const result = await processIngestedEvents(this.ctx.workspace.id, eventIds, this.now);
    await this.advance(result.advance);
    return result;
  }

  /** Walks the enrollments as a batch, as process-event and wake-due do: webhook calls, then on. */
  async advance(enrollmentIds: string[]): Promise<void> {
    const walked = await walkEnrollments(enrollmentIds, this.clock, { webhook: this.webhook });
    this.messages.push(...walked.queuedMessageIds);
  }

  /** What wake-due does at the current time. */
  async tick(): Promise<string[]> {
    const woken = await claimDueEnrollments(this.now);
    await this.advance(woken);
    return woken;
  }

  /** Moves the clock forward in steps, ticking at each, as the once-a-second cron would. */
  async runFor(ms: number, stepMs = 60_000): Promise<void> {
    const end = this.now.getTime() + ms;
    while (this.now.getTime() < end) {
      this.now = new Date(Math.min(end, this.now.getTime() + stepMs));
      await this.tick();
    }
  }
}

/**
 * Publishes a graph as a live journey version. Message templates and segments arrive with their own
 * issues, so here a referenced template counts as existing; the graph's structure is still validated
 * exactly as publishing does.
 */
export async function publishGraph(
  ctx: WorkspaceContext,
  graph: TJourneyGraphInput,
  journeyId?: string,
): Promise<{ journeyId: string; versionId: string }> {
  const parsed = ZJourneyGraph.parse(graph);
  const json = parsed as unknown as Prisma.InputJsonObject;
  const templateIds = new Set(
    parsed.nodes.flatMap((n) => (typeof n.config.templateId === "string" ? [n.config.templateId] : [])),
  );
  const { problems } = validateJourney(parsed, { templateIds });
  if (problems.length) throw new Error(`graph does not validate: ${JSON.stringify(problems)}`);
  const id =
    journeyId ??
    (
      await db().journey.create({
        data: { workspaceId: ctx.workspace.id, name: `Journey ${randomUUID().slice(0, 8)}`, draft: json },
      })
    ).id;
  const last = await db().journeyVersion.findFirst({ where: { journeyId: id }, orderBy: { version: "desc" } });
  const version = await db().journeyVersion.create({
    data: { journeyId: id, version: (last?.version ?? 0) + 1, graph: json, publishedByLabel: "test" },
  });
  await db().journey.update({ where: { id }, data: { status: "LIVE", liveVersionId: version.id, draft: json } });
  return { journeyId: id, versionId: version.id };
}

export async function enrollmentsOf(journeyId: string) {
  const { rows } = await pgPool().query<{
    id: string;
    userId: string | null;
    status: string;
    currentNodeId: string;
    endReason: string | null;
    journeyVersionId: string;
    wakeAt: Date | null;
  }>(
    `SELECT e.id, p."userId", e.status::text, e."currentNodeId", e."endReason", e."journeyVersionId", e."wakeAt"
       FROM "Enrollment" e JOIN "Profile" p ON p.id = e."profileId" WHERE e."journeyId" = $1 ORDER BY e."enteredAt", p."userId"`,
    [journeyId],
  );
  return rows;
}

export async function messagesOf(journeyId: string) {
  const { rows } = await pgPool().query<{
    userId: string | null;
    nodeId: string;
    templateId: string;
    channel: string;
    status: string;
  }>(
    `SELECT p."userId", m."nodeId", m."templateId", m.channel, m.status::text FROM "Message" m JOIN "Profile" p ON p.id = m."profileId"
      WHERE m."journeyId" = $1 ORDER BY m."createdAt", p."userId", m."nodeId"`,
    [journeyId],
  );
  return rows;
}
