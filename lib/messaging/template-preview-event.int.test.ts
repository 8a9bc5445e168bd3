import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { POST as previewRoute } from "@/app/api/workspaces/[slug]/templates/preview/route";
import { GET as previewEventsRoute } from "@/app/api/workspaces/[slug]/templates/preview/events/route";
import { db } from "../db/client";
import { callRoute } from "../testing/call-route";
import { createWorkspaceWithTeam, sessionCookie } from "../testing/factories";

const CART = {
  subject: "{{ event.properties.items.size }} items in your cart",
  html: "<ul>{% for item in event.properties.items %}<li>{{ item.name }} × {{ item.quantity }}</li>{% endfor %}</ul>",
};

describe("preview with a real or typed event", () => {
  it("renders event.properties from a person's stored event, the catalog's newest event, or typed JSON; bad or oversized JSON is a 422 naming event.properties", async () => {
    const team = await createWorkspaceWithTeam();
    const other = await createWorkspaceWithTeam();
    const cookie = await sessionCookie(team.members.VIEWER);
    const params = { slug: team.slug };
    const now = new Date();
    const profile = await db().profile.create({
      data: {
        id: randomUUID(),
        workspaceId: team.id,
        userId: "grace",
        email: "grace@example.com",
        traits: {},
        firstSeenAt: now,
        lastSeenAt: now,
      },
    });
    await db().profileIdentity.create({
      data: { workspaceId: team.id, kind: "user", value: "grace", profileId: profile.id },
    });
    const stored = await db().event.create({
      data: {
        workspaceId: team.id,
        messageId: "m1",
        type: "track",
        name: "Cart Updated",
        profileId: profile.id,
        userId: "grace",
        properties: { items: [{ name: "Blue mug", quantity: 2 }] },
        timestamp: now,
        receivedAt: now,
      },
    });
    const theirs = await db().event.create({
      data: {
        workspaceId: other.id,
        messageId: "m1",
        type: "track",
        name: "Cart Updated",
        profileId: randomUUID(),
        properties: { items: [{ name: "Secret", quantity: 1 }] },
        timestamp: now,
        receivedAt: now,
      },
    });

    // the picker lists the person's events with their properties
    const events = await callRoute(previewEventsRoute, { cookie, params, path: "/?profileId=grace" });
    expect(events.status).toBe(200);
    expect(events.body.events).toEqual([
      expect.objectContaining({
        id: stored.id.toString(),
        name: "Cart Updated",
        properties: { items: [{ name: "Blue mug", quantity: 2 }] },
      }),
    ]);
    expect((await callRoute(previewEventsRoute, { cookie, params })).body.catalog).toEqual([]);

    const preview = (body: object) =>
      callRoute(previewRoute, {
        method: "POST",
        cookie,
        params,
        body: { channel: "email", content: CART, profileId: "grace", ...body },
      });
    const fromStored = await preview({ event: { source: "stored", id: stored.id.toString() } });
    expect(fromStored.status).toBe(200);
    expect(fromStored.body.fields).toMatchObject({
      subject: "1 items in your cart",
      html: "<ul><li>Blue mug × 2</li></ul>",
    });

    const fromCatalog = await preview({ event: { source: "catalog", name: "Cart Updated" } });
    expect(fromCatalog.body.fields.html).toBe("<ul><li>Blue mug × 2</li></ul>");

    const typed = await preview({
      event: {
        source: "json",
        name: "Cart Updated",
        properties: '{"items": [{"name": "Red pen", "quantity": 3}, {"name": "Ink", "quantity": 1}]}',
      },
    });
    expect(typed.status).toBe(200);
    expect(typed.body.fields).toMatchObject({
      subject: "2 items in your cart",
      html: "<ul><li>Red pen × 3</li><li>Ink × 1</li></ul>",
    });

    const bad = await preview({ event: { source: "json", properties: '{"items": [' } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.fields).toEqual([
      { path: "event.properties", message: expect.stringMatching(/^is not valid JSON: /) },
    ]);
    const notObject = await preview({ event: { source: "json", properties: "[1, 2]" } });
    expect(notObject.status).toBe(422);
    expect(notObject.body.error.fields[0].path).toBe("event.properties");
    const huge = await preview({
      event: { source: "json", properties: JSON.stringify({ note: "x".repeat(33 * 1024) }) },
    });
    expect(huge.status).toBe(422);
    expect(huge.body.error.fields).toEqual([{ path: "event.properties", message: "must be at most 32 KB of JSON" }]);

    // another workspace's event is not found, and renders nothing of it
    const foreign = await preview({ event: { source: "stored", id: theirs.id.toString() } });
    expect(foreign.status).toBe(422);
    expect(JSON.stringify(foreign.body)).not.toContain("Secret");
  });
});
