import { randomUUID } from "node:crypto";
import { workspaceContextForApiKey } from "../api-keys/api-keys";
import type { WorkspaceContext } from "../auth/context";
import { pgPool } from "../db/pool";
import { ingest } from "../ingest/ingest";
import { ZSegmentDefinition, type TSegmentDefinition } from "./definition";
import { compilePredicate } from "./evaluate";
import { loadSegments, processDueChecks, updateSegmentsForEvents, type MembershipChange } from "./membership";
import { createSegment } from "./create-segment";
import { selectChangesByUser, selectMatchingUserIds, selectMemberUserIds, selectNextCheck } from "./store/test-reads";
import { ingestFixture } from "../testing/ingest-helpers";

/**
 * Segments at a clock the test sets: events ingested with explicit timestamps, the event-driven update run
 * the way process-event runs it, and reads of memberships by userId.
 */
export class SegmentDriver {
  constructor(
    readonly ctx: WorkspaceContext,
    public now: Date,
    /** the full key's Authorization header, for calling /api/v1 routes */
    readonly bearer: { authorization: string },
  ) {}

  static async start(now: Date): Promise<SegmentDriver> {
    const fixture = await ingestFixture("FULL");
    return new SegmentDriver(await workspaceContextForApiKey(fixture.key), now, fixture.bearer);
  }

  /** What the segment-checks cron does at the current time, for this workspace only (tests share a database). */
  tick() {
    return processDueChecks(this.now, { workspaceId: this.ctx.workspace.id });
  }

  advance(ms: number): void {
    this.now = new Date(this.now.getTime() + ms);
  }

  at(offsetMs: number): Date {
    return new Date(this.now.getTime() + offsetMs);
  }

  /** Stores messages (timestamp: now unless given) without updating segments; returns the event ids. */
  async store(messages: Record<string, unknown>[]): Promise<string[]> {
    const stamped = messages.map((m) => ({ messageId: randomUUID(), timestamp: this.now.toISOString(), ...m }));
    return (await ingest(this.ctx, JSON.stringify({ batch: stamped }), "batch", () => this.now)).eventIds;
  }

  /** Stores messages and runs the event-driven update for them, as process-event does. */
  async send(messages: Record<string, unknown>[]): Promise<MembershipChange[]> {
    return updateSegmentsForEvents(this.ctx.workspace.id, await this.store(messages), this.now);
  }

  track(userId: string, event: string, properties: Record<string, unknown> = {}, timestamp?: Date) {
    return this.send([
      { type: "track", userId, event, properties, ...(timestamp ? { timestamp: timestamp.toISOString() } : {}) },
    ]);
  }

  identify(userId: string, traits: Record<string, unknown>) {
    return this.send([{ type: "identify", userId, traits }]);
  }

  async segment(definition: unknown, name = `Segment ${randomUUID().slice(0, 8)}`): Promise<string> {
    return (await createSegment(this.ctx, { name, definition: definition as TSegmentDefinition })).id;
  }

  /** userIds of the members, sorted. */
  members(segmentId: string): Promise<string[]> {
    return selectMemberUserIds(pgPool(), segmentId);
  }

  /** Who matches by the predicate form (what the estimate counts), sorted userIds. */
  async matching(definition: unknown): Promise<string[]> {
    const client = await pgPool().connect();
    try {
      const segments = await loadSegments(client, this.ctx.workspace.id);
      const compiled = compilePredicate(ZSegmentDefinition.parse(definition), {
        workspaceId: this.ctx.workspace.id,
        now: this.now,
        segments,
      });
      return await selectMatchingUserIds(client, compiled);
    } finally {
      client.release();
    }
  }

  /** The next check stored for a person: on the membership, or the non-member check. */
  async nextCheck(segmentId: string, userId: string): Promise<{ member: boolean; nextCheckAt: string | null }> {
    const row = await selectNextCheck(pgPool(), segmentId, this.ctx.workspace.id, userId);
    return { member: !!row?.member, nextCheckAt: row?.nextCheckAt ? row.nextCheckAt.toISOString() : null };
  }

  async changes(segmentId: string): Promise<{ userId: string; kind: string; at: string }[]> {
    const rows = await selectChangesByUser(pgPool(), segmentId);
    return rows.map((r) => ({ userId: r.userId, kind: r.kind, at: r.at.toISOString() }));
  }
}
