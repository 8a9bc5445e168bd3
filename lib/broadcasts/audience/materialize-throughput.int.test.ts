import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { pgPool } from "../../db/pool";
import { createAudienceWorkspace, createBroadcastRow } from "./audience-fixtures";
import { materializeNextChunk } from "./materialize-audience";

/**
 * A measurement, not a timing test: materializes a 200,000-person audience (5 % held out, two variants, local
 * time) in chunks of 5,000 and prints rows/s. Off by default because it takes a minute of the shared machine:
 * CAIRN_AUDIENCE_THROUGHPUT=1 DATABASE_URL=postgresql://… npx vitest run --project integration
 * lib/broadcasts/audience/materialize-throughput.int.test.ts
 */
const PEOPLE = Number(process.env.CAIRN_AUDIENCE_THROUGHPUT_PEOPLE ?? 200_000);

describe.skipIf(!process.env.CAIRN_AUDIENCE_THROUGHPUT)("materializing a large audience", () => {
  it(`creates a message or a holdout for each of ${PEOPLE.toLocaleString("en")} people`, async () => {
    const workspaceId = await createAudienceWorkspace();
    const segmentId = randomUUID();
    const zones = ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Sydney", null];
    await pgPool().query(
      `INSERT INTO "Profile" (id, "workspaceId", timezone, "firstSeenAt", "lastSeenAt")
       SELECT gen_random_uuid(), $1::uuid, ($2::text[])[1 + i % 5], now(), now() FROM generate_series(1, $3::int) i`,
      [workspaceId, zones, PEOPLE],
    );
    await pgPool().query(
      `INSERT INTO "SegmentMembership" ("segmentId", "profileId", "workspaceId", "enteredAt")
       SELECT $2::uuid, id, $1::uuid, now() FROM "Profile" WHERE "workspaceId" = $1::uuid`,
      [workspaceId, segmentId],
    );
    await pgPool().query(`ANALYZE "Profile"; ANALYZE "SegmentMembership"`);
    const id = await createBroadcastRow({
      workspaceId,
      segmentIds: [segmentId],
      holdoutPercent: 5,
      variants: [
        { key: "A", templateId: randomUUID(), weight: 50 },
        { key: "B", templateId: randomUUID(), weight: 50 },
      ],
      scheduleKind: "local",
      localDate: "2026-03-29",
      localTime: "09:00",
      timezone: "Europe/Berlin",
    });

    const now = new Date("2026-03-20T10:00:00.000Z");
    const started = performance.now();
    let created = 0;
    let heldOut = 0;
    let chunks = 0;
    for (;;) {
      const chunk = await materializeNextChunk(id, now, 5000);
      created += chunk.created;
      heldOut += chunk.heldOut;
      chunks++;
      if (chunk.done) break;
    }
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `[audience] ${PEOPLE.toLocaleString("en")} people in ${chunks} chunks: ${created.toLocaleString("en")} messages + ` +
        `${heldOut.toLocaleString("en")} holdouts in ${seconds.toFixed(2)} s = ` +
        `${Math.round(PEOPLE / seconds).toLocaleString("en")} rows/s`,
    );
    expect(created + heldOut).toBe(PEOPLE);
  }, 600_000);
});
