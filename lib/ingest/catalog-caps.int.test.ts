import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { EventCatalog } from "@/components/events/event-catalog";
import { workspaceContextForApiKey } from "../api-keys/api-keys";
import { db } from "../db/client";
import { listEventCatalog } from "../events/events";
import { contextOf } from "../testing/factories";
import { ingestFixture } from "../testing/ingest-helpers";
import { ingest } from "./ingest";
import { CATALOG_LIMITS, INGEST_LIMITS } from "./limits";
import { rollupAllPending } from "./rollup";

const NOW = new Date("2026-11-22T12:00:00.000Z");
const keys = (n: number, prefix: string) =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, i]));

describe("the event catalog's caps", () => {
  it("stop adding new event names, property keys and trait keys past each cap, without failing ingestion, and the catalog says so", async () => {
    const { team, key } = await ingestFixture();
    const ctx = await workspaceContextForApiKey(key);
    const send = (batch: Record<string, unknown>[]) => ingest(ctx, JSON.stringify({ batch }), "batch", () => NOW);

    // Event names: the cap's worth, then more in the same run and a later one.
    const names = Array.from({ length: CATALOG_LIMITS.eventTypes + 5 }, (_, i) => ({
      type: "track",
      userId: "u",
      event: `Name ${String(i).padStart(5, "0")}`,
    }));
    await send(names.slice(0, 2000));
    await send([
      ...names.slice(2000),
      { type: "track", userId: "u", event: "Name 00000", properties: { seen_again: true } },
    ]);
    await rollupAllPending();
    expect(await db().eventType.count({ where: { workspaceId: team.id } })).toBe(CATALOG_LIMITS.eventTypes);
    // every event is stored; the names past the cap are simply not catalogued (nor their volume)
    expect(await db().event.count({ where: { workspaceId: team.id } })).toBe(names.length + 1);
    expect(
      await db().eventType.findUnique({
        where: {
          workspaceId_name: {
            workspaceId: team.id,
            name: `Name ${String(CATALOG_LIMITS.eventTypes).padStart(5, "0")}`,
          },
        },
      }),
    ).toBeNull();
    expect(await db().eventVolume.count({ where: { workspaceId: team.id } })).toBe(CATALOG_LIMITS.eventTypes);
    // a catalogued name is still counted, and its new properties added
    expect(
      Number(
        (
          await db().eventType.findUniqueOrThrow({
            where: { workspaceId_name: { workspaceId: team.id, name: "Name 00000" } },
          })
        ).total,
      ),
    ).toBe(2);
    expect(await db().eventProperty.count({ where: { workspaceId: team.id, eventName: "Name 00000" } })).toBe(1);

    // Property keys: up to the cap (500 a message), then no more.
    const perMessage = INGEST_LIMITS.maxKeysPerField;
    const messages = Array.from({ length: CATALOG_LIMITS.eventProperties / perMessage + 2 }, (_, i) => ({
      type: "track",
      userId: "u",
      event: "Name 00001",
      properties: keys(perMessage, `m${i}-`),
    }));
    for (let i = 0; i < messages.length; i += 20) await send(messages.slice(i, i + 20));
    await rollupAllPending();
    expect(await db().eventProperty.count({ where: { workspaceId: team.id } })).toBe(CATALOG_LIMITS.eventProperties);

    // Trait keys: up to the cap, spread over people (a profile holds at most 1,000 traits).
    const identifies = Array.from({ length: CATALOG_LIMITS.profileTraits / perMessage + 2 }, (_, i) => ({
      type: "identify",
      userId: `p${i}`,
      traits: keys(perMessage, `t${i}-`),
    }));
    await send(identifies);
    await rollupAllPending();
    expect(await db().profileTrait.count({ where: { workspaceId: team.id } })).toBe(CATALOG_LIMITS.profileTraits);

    const html = renderToStaticMarkup(
      createElement(EventCatalog, {
        slug: team.slug,
        entries: await listEventCatalog(await contextOf(team, "VIEWER"), NOW),
      }),
    );
    expect(html).toContain('data-testid="catalog-full"');
    expect(html).toContain("The catalog is full");
  }, 180_000);
});
