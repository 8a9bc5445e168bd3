/** The workspace overview's "Broadcasts": the latest started in the range, counted as the results page counts them. */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { workspaceOverview } from "../../analytics/dashboards";
import { contextOf, createWorkspaceWithTeam } from "../../testing/factories";
import { at, insertBroadcast, insertEvents, insertMessages, insertProfiles } from "./testing";

describe("the overview's broadcasts", () => {
  it("lists broadcasts started in the range, newest first, with sends, rates, conversions and revenue", async () => {
    const team = await createWorkspaceWithTeam("Overview");
    const ws = team.id;
    const sale = await insertBroadcast(ws, {
      name: "Sale",
      conversionEvent: "Order Completed",
      conversionWindowHours: 24,
    });
    const [p1, p2] = await insertMessages(ws, sale, [
      { variant: "A", deliveredAt: at(0.1), openedAt: at(1), clickedAt: at(1.5) },
      { variant: "B", deliveredAt: at(0.1), openedAt: at(2) },
      { variant: "B", deliveredAt: at(0.1) },
      { variant: "A", status: "BOUNCED" },
    ]);
    // p2 was merged into a survivor after the send; the survivor's order converts it
    const survivor = randomUUID();
    await insertProfiles(ws, [{ id: survivor }, { id: p2, mergedIntoId: survivor }]);
    await insertEvents(ws, [
      { profileId: p1, name: "Order Completed", at: at(2), properties: { revenue: 12.25 } },
      { profileId: p1, name: "Order Completed", at: at(30), properties: { revenue: 100 } },
      { profileId: survivor, name: "Order Completed", at: at(3), properties: { revenue: "7.75" } },
    ]);
    const sms = await insertBroadcast(ws, { name: "Reminder", channel: "sms", startedAt: at(24) });
    await insertMessages(ws, sms, [{ variant: "A", deliveredAt: at(24.1) }]);
    await insertBroadcast(ws, { name: "Last month", startedAt: at(-24 * 40) });
    await insertBroadcast(ws, { name: "Draft", status: "DRAFT", startedAt: null });

    const overview = await workspaceOverview(
      await contextOf(team, "VIEWER"),
      { from: "2026-02-20", to: "2026-03-05" },
      at(48),
    );
    expect(overview.broadcasts).toEqual([
      {
        id: sms,
        name: "Reminder",
        channel: "sms",
        status: "SENDING",
        startedAt: at(24).toISOString(),
        sent: 1,
        delivered: 1,
        openRate: null,
        clickRate: 0,
        conversions: 0,
        revenue: 0,
      },
      {
        id: sale,
        name: "Sale",
        channel: "email",
        status: "SENDING",
        startedAt: at(0).toISOString(),
        sent: 4,
        delivered: 3,
        openRate: 2 / 3,
        clickRate: 1 / 3,
        conversions: 2,
        revenue: 20,
      },
    ]);
  });
});
