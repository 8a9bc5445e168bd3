import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { ProfileFacts } from "@/components/profiles/profile-facts";
import { POST as identifyRoute } from "@/app/api/v1/identify/route";
import { POST as trackRoute } from "@/app/api/v1/track/route";
import { db } from "../db/client";
import { callRoute } from "../testing/call-route";
import { contextOf } from "../testing/factories";
import { ingestFixture } from "../testing/ingest-helpers";
import { getProfile } from "./profiles";

describe("profiles: unusable emails and time zones are flagged, not silently kept", () => {
  it("flags an invalid email and an unknown time zone, keeps the raw values, and clears each flag when a valid value arrives", async () => {
    const { team, bearer } = await ingestFixture();
    const identify = (body: unknown) => callRoute(identifyRoute, { method: "POST", headers: bearer, body });
    const profile = async () => getProfile(await contextOf(team, "VIEWER"), "ann");

    expect((await identify({ userId: "ann", traits: { email: "ann@", timezone: "Mars/Olympus_Mons" } })).status).toBe(
      200,
    );
    let ann = await profile();
    expect(ann.traits).toMatchObject({ email: "ann@", timezone: "Mars/Olympus_Mons" });
    expect(ann.dataIssues).toEqual({
      email: { value: "ann@", reason: "not a valid email address" },
      timezone: { value: "Mars/Olympus_Mons", reason: "unknown time zone, using UTC" },
    });

    // the profile page shows both flags with the value as sent
    const html = renderToStaticMarkup(createElement(ProfileFacts, { profile: ann }));
    expect(html).toContain("“ann@”</span>: not a valid email address");
    expect(html).toContain("“Mars/Olympus_Mons”</span>: unknown time zone, using UTC");

    // an event about something else changes nothing
    await callRoute(trackRoute, { method: "POST", headers: bearer, body: { userId: "ann", event: "Viewed" } });
    expect((await profile()).dataIssues).toMatchObject({
      email: { value: "ann@" },
      timezone: { value: "Mars/Olympus_Mons" },
    });

    // a valid email clears its flag only
    await identify({ userId: "ann", traits: { email: "ann@example.com" } });
    ann = await profile();
    expect(ann.dataIssues).toEqual({
      timezone: { value: "Mars/Olympus_Mons", reason: "unknown time zone, using UTC" },
    });
    // a valid time zone clears the other
    await identify({ userId: "ann", traits: { timezone: "Europe/Paris" } });
    expect((await profile()).dataIssues).toEqual({});
    const row = await db().profile.findFirstOrThrow({ where: { workspaceId: team.id, userId: "ann" } });
    expect(row.dataIssues).toEqual({});
  });

  it("flags an unknown time zone from a message's context (what browser and mobile libraries send)", async () => {
    const { team, bearer } = await ingestFixture();
    await callRoute(trackRoute, {
      method: "POST",
      headers: bearer,
      body: { userId: "bo", event: "Opened", context: { timezone: "Nowhere/Land" } },
    });
    expect((await getProfile(await contextOf(team, "VIEWER"), "bo")).dataIssues).toEqual({
      timezone: { value: "Nowhere/Land", reason: "unknown time zone, using UTC" },
    });
    await callRoute(trackRoute, {
      method: "POST",
      headers: bearer,
      body: { userId: "bo", event: "Opened", context: { timezone: "America/New_York" } },
    });
    expect((await getProfile(await contextOf(team, "VIEWER"), "bo")).dataIssues).toEqual({});
  });
});
