import { pgPool, withTransaction } from "../db/pool";
import type { Queryable } from "../db/sql";
import { identityKeysOf, resolveIdentities, type IdentityPlan } from "../profiles/resolve-identities";
import { INGEST_LIMITS } from "./limits";
import type { NormalizedEvent } from "./normalize";
import { insertEvents, TRAIT_LIMIT_MARKER } from "./store/events";
import {
  assignUserIds,
  insertIdentities,
  insertProfiles,
  isAnonymousProfile,
  lockLiveProfiles,
  mergeProfileInto,
  repointIdentities,
  selectIdentities,
} from "./store/identities";

/**
 * Stores one request's events atomically, with one statement per table:
 *   1. load the batch's identities and resolve profiles in memory (lib/profiles/resolve-identities.ts);
 *   2. if that changes identities (new people, merges, re-pointed ids), apply the plan with compare-and-set
 *      writes (see below) in a transaction together with step 3; otherwise step 3 alone, one statement;
 *   3. one statement (insertEvents, ./store/events.ts): insert the events, skipping messageIds already stored (the idempotency
 *      key); fold the new ones' identify traits, time zones and push tokens into their profiles (only rows
 *      that change); append them to the ingest log (EventDispatch), which the Inngest hand-off and the
 *      rollups (event catalog, first/last seen: ./rollup.ts) consume after the commit.
 * The caller answers 2xx only after this commits. A request about known people is two round trips.
 *
 * Concurrency is optimistic: identities are read without locks, and every write that depends on what was
 * read checks it still holds (a new identity must not exist yet, a re-pointed one must still point where it
 * did, an anonymous profile must still be anonymous). If another request changed it first, the whole
 * transaction is retried on fresh reads. Requests about different people never wait for each other, and
 * nothing holds a lock per identity (which would exhaust Postgres' lock table on large batches).
 */
export interface StoreResult {
  received: number;
  stored: number;
  duplicates: number;
  /** ids of the newly stored events, in request order */
  eventIds: string[];
}

/**
 * An identify would give its profile more than INGEST_LIMITS.maxTraitsPerProfile traits: the statement
 * failed, so nothing of the request is stored. `index` is the first identify of that profile in the events
 * given to storeBatch (the caller names it: "batch.3.traits"); `indexes` are all of that profile's identifies
 * in them, which the caller rejects before storing the rest again (lib/ingest/ingest.ts).
 */
export class TraitLimitExceeded extends Error {
  constructor(
    readonly index: number,
    readonly profileId: string,
    readonly indexes: number[] = [index],
  ) {
    super(`An identify would give profile ${profileId} more than ${INGEST_LIMITS.maxTraitsPerProfile} traits`);
  }
}

/** Another request changed an identity this one read: retry on fresh reads. */
class IdentityRace extends Error {}

// Postgres: deadlock detected, serialization failure, unique violation (a racing insert of the same profile).
const RETRYABLE_CODES = new Set(["40P01", "40001", "23505"]);
const MAX_ATTEMPTS = 6;

export async function storeBatch(workspaceId: string, events: NormalizedEvent[], source = "api"): Promise<StoreResult> {
  // A messageId repeated inside one request is the same message: keep its first occurrence.
  const seen = new Set<string>();
  const unique = events.filter((e) => (seen.has(e.messageId) ? false : (seen.add(e.messageId), true)));

  let lastPlan: StorePlan | null = null;
  for (let attempt = 1; ; attempt++) {
    try {
      // Identities are read without locks, outside any transaction (a transaction at READ COMMITTED would
      // read the same): every write that depends on what was read re-checks it.
      const plan = (lastPlan = await readIdentityPlan(pgPool(), workspaceId, unique));
      const eventIds = needsIdentityWrites(plan)
        ? await withTransaction(async (client) => {
            await applyIdentityPlan(client, workspaceId, plan);
            return insertEvents(client, workspaceId, unique, plan.profileIdOfMessage, source);
          })
        : // Nothing to change about identities (every person known, the usual case): the events, their
          // profiles and the ingest log are one statement, atomic on its own, so no BEGIN/COMMIT round trips.
          await insertEvents(pgPool(), workspaceId, unique, plan.profileIdOfMessage, source);
      return {
        received: events.length,
        stored: eventIds.length,
        duplicates: events.length - eventIds.length,
        eventIds,
      };
    } catch (error) {
      const message = (error as { code?: string; message?: string }).message ?? "";
      if ((error as { code?: string }).code === "22P02" && message.includes(TRAIT_LIMIT_MARKER)) {
        const profileId =
          message.slice(message.indexOf(TRAIT_LIMIT_MARKER) + TRAIT_LIMIT_MARKER.length).match(/^[0-9a-f-]{36}/)?.[0] ??
          "";
        // its first identify in this request, as numbered in `events` (duplicates included)
        const k = unique.findIndex((e, i) => e.type === "identify" && lastPlan?.profileIdOfMessage[i] === profileId);
        const all = unique.flatMap((e, i) =>
          e.type === "identify" && lastPlan?.profileIdOfMessage[i] === profileId ? [events.indexOf(e)] : [],
        );
        const first = k < 0 ? events.findIndex((e) => e.type === "identify") : events.indexOf(unique[k]);
        throw new TraitLimitExceeded(first, profileId, all.length ? all : [first]);
      }
      const retryable = error instanceof IdentityRace || RETRYABLE_CODES.has((error as { code?: string }).code ?? "");
      if (!retryable || attempt >= MAX_ATTEMPTS) throw error;
      await new Promise((r) => setTimeout(r, Math.random() * 10 * attempt));
    }
  }
}

const keyOf = (kind: string, value: string) => `${kind}:${value}`;

interface StorePlan extends IdentityPlan {
  /** where each identity of the batch pointed when it was read */
  before: Map<string, string>;
  events: NormalizedEvent[];
}

function needsIdentityWrites(plan: StorePlan): boolean {
  return (
    plan.newProfiles.length > 0 ||
    plan.userIdAssignments.length > 0 ||
    plan.identities.length > 0 ||
    plan.merges.length > 0
  );
}

/** Loads the batch's identities and resolves its profiles in memory (lib/profiles/resolve-identities.ts). */
async function readIdentityPlan(q: Queryable, workspaceId: string, events: NormalizedEvent[]): Promise<StorePlan> {
  const existing = await selectIdentities(q, workspaceId, identityKeysOf(events));
  const plan = resolveIdentities(events, existing);
  const before = new Map(existing.map((e) => [keyOf(e.kind, e.value), e.profileId]));
  return { ...plan, before, events };
}

/** Applies the plan with compare-and-set writes; IdentityRace when another request changed what it read. */
async function applyIdentityPlan(client: Queryable, workspaceId: string, plan: StorePlan): Promise<void> {
  const { before, events } = plan;
  if (plan.newProfiles.length) {
    // First/last seen of a new profile: the span of its events in this batch (later batches: ./rollup.ts).
    const span = new Map<string, { first: string; last: string }>();
    events.forEach((e, i) => {
      const at = e.timestamp.toISOString();
      const s = span.get(plan.profileIdOfMessage[i]);
      if (!s) span.set(plan.profileIdOfMessage[i], { first: at, last: at });
      else {
        if (at < s.first) s.first = at;
        if (at > s.last) s.last = at;
      }
    });
    const rows = plan.newProfiles.map((p) => ({
      id: p.id,
      u: p.userId,
      f: span.get(p.id)?.first ?? events[0].receivedAt.toISOString(),
      l: span.get(p.id)?.last ?? events[0].receivedAt.toISOString(),
    }));
    if ((await insertProfiles(client, workspaceId, rows)) !== rows.length) throw new IdentityRace(); // someone created one of these people first
  }
  if (plan.userIdAssignments.length) {
    // Compare-and-set: the profile must still have the userId (or none) this request saw.
    if ((await assignUserIds(client, plan.userIdAssignments)) !== plan.userIdAssignments.length)
      throw new IdentityRace();
  }

  const created = plan.identities.filter((i) => !before.has(keyOf(i.kind, i.value)));
  const repointed = plan.identities.filter((i) => before.has(keyOf(i.kind, i.value)));
  if (created.length) {
    if ((await insertIdentities(client, workspaceId, created)) !== created.length) throw new IdentityRace();
  }
  if (repointed.length) {
    // Compare-and-set: only identities that still point where this request saw them.
    const was = repointed.map((i) => ({ ...i, was: before.get(keyOf(i.kind, i.value)) }));
    if ((await repointIdentities(client, workspaceId, was)) !== repointed.length) throw new IdentityRace();
  }
  for (const { from, to } of plan.merges) await mergeProfiles(client, workspaceId, from, to);
}

/** Moves everything of `from` (an anonymous profile) to `to`; `to`'s own traits win over `from`'s. */
async function mergeProfiles(client: Queryable, workspaceId: string, from: string, to: string): Promise<void> {
  // Both must still be live, and `from` still anonymous, or the plan is stale.
  const live = await lockLiveProfiles(client, [from, to]);
  const stillAnonymous = await isAnonymousProfile(client, from);
  if (live !== 2 || !stillAnonymous) throw new IdentityRace();
  await mergeProfileInto(client, workspaceId, from, to);
}
