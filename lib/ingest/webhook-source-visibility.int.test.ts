import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { AppRouterContext, type AppRouterInstance } from "next/dist/shared/lib/app-router-context.shared-runtime";
import { describe, expect, it } from "vitest";
import { GET as recentEventsRoute } from "@/app/api/workspaces/[slug]/events/recent/route";
import { GET as listSourcesRoute, POST as createSourceRoute } from "@/app/api/workspaces/[slug]/webhook-sources/route";
import { POST as webhookRoute } from "@/app/api/v1/webhooks/[sourceId]/route";
import { WebhookSourcesPanel } from "@/components/settings/webhook-sources-panel";
import { listProfileEvents, getProfile } from "../profiles/profiles";
import { callRoute } from "../testing/call-route";
import { contextOf, createWorkspaceWithTeam, sessionCookie, type TestWorkspace } from "../testing/factories";
import { listWebhookSources, SIGNATURE_HEADERS, type WebhookSourceListing } from "./webhook-sources";

const MAPPING = { userIdPath: "customer.id", eventName: "Order Placed" };

async function twoSources() {
  const team = await createWorkspaceWithTeam();
  const admin = await sessionCookie(team.members.ADMIN);
  const unsigned = await callRoute(createSourceRoute, {
    method: "POST",
    params: { slug: team.slug },
    cookie: admin,
    body: { name: "Shop", mapping: MAPPING },
  });
  const signed = await callRoute(createSourceRoute, {
    method: "POST",
    params: { slug: team.slug },
    cookie: admin,
    body: { name: "CRM", mapping: MAPPING, signingSecret: "whsec_0123456789" },
  });
  expect([unsigned.status, signed.status]).toEqual([201, 201]);
  // a delivery, so events name the source
  const delivery = await callRoute(webhookRoute, {
    method: "POST",
    params: { sourceId: unsigned.body.id },
    rawBody: JSON.stringify({ customer: { id: "c1" } }),
  });
  expect(delivery.status).toBe(200);
  return { team, ids: [unsigned.body.id as string, signed.body.id as string] };
}

/** The Sources panel as the page renders it on the server (a do-nothing router: nothing is clicked). */
function panelHtml(sources: WebhookSourceListing[], canManage: boolean) {
  const router = {
    push() {},
    replace() {},
    refresh() {},
    back() {},
    forward() {},
    prefetch() {},
  } as unknown as AppRouterInstance;
  return renderToStaticMarkup(
    createElement(
      AppRouterContext.Provider,
      { value: router },
      createElement(WebhookSourcesPanel, {
        slug: "s",
        origin: "https://cairn.example",
        sources,
        canManage,
        signatureHeaders: SIGNATURE_HEADERS,
      }),
    ),
  );
}

const listAs = async (team: TestWorkspace, role: "VIEWER" | "EDITOR") =>
  callRoute(listSourcesRoute, { params: { slug: team.slug }, cookie: await sessionCookie(team.members[role]) });

describe("webhook source ids (the credential of an unsigned source)", () => {
  it("are hidden from viewers: the list, the page and events name sources without them", async () => {
    const { team, ids } = await twoSources();
    const viewer = await listAs(team, "VIEWER");
    expect(viewer.status).toBe(200);
    expect(viewer.body.sources.map((s: Record<string, unknown>) => Object.keys(s).sort())).toEqual([
      ["key", "lastReceivedAt", "name"],
      ["key", "lastReceivedAt", "name"],
    ]);
    expect(
      viewer.body.sources.map((s: { name: string; lastReceivedAt: string | null }) => [
        s.name,
        s.lastReceivedAt !== null,
      ]),
    ).toEqual([
      ["Shop", true],
      ["CRM", false],
    ]);
    const everything = JSON.stringify(viewer.body);
    for (const id of ids) expect(everything).not.toContain(id);

    // The events a viewer reads name the source by its key, not its id.
    const feed = await callRoute(recentEventsRoute, {
      params: { slug: team.slug },
      cookie: await sessionCookie(team.members.VIEWER),
    });
    expect(feed.body.events[0].source).toBe(`webhook:${viewer.body.sources[0].key}`);
    const viewerCtx = await contextOf(team, "VIEWER");
    const timeline = await listProfileEvents(viewerCtx, (await getProfile(viewerCtx, "c1")).id);
    expect(JSON.stringify(timeline)).not.toContain(ids[0]);

    // The Sources page: names and last deliveries, no URL.
    const html = panelHtml(await listWebhookSources(viewerCtx), false);
    expect(html).toContain("Shop");
    expect(html).not.toContain("/api/v1/webhooks/");
    for (const id of ids) expect(html).not.toContain(id);
  });

  it("are listed for editors, with URLs, and an unsigned source carries a visible warning", async () => {
    const { team, ids } = await twoSources();
    const editor = await listAs(team, "EDITOR");
    expect(
      editor.body.sources.map((s: { id: string; key: string; signed: boolean }) => [s.id, s.key, s.signed]),
    ).toEqual([
      [ids[0], ids[0], false],
      [ids[1], ids[1], true],
    ]);
    const feed = await callRoute(recentEventsRoute, {
      params: { slug: team.slug },
      cookie: await sessionCookie(team.members.EDITOR),
    });
    expect(feed.body.events[0].source).toBe(`webhook:${ids[0]}`);

    const html = panelHtml(await listWebhookSources(await contextOf(team, "ADMIN")), true);
    expect(html).toContain(`https://cairn.example/api/v1/webhooks/${ids[0]}`);
    expect(html).toContain('data-testid="unsigned-warning-Shop"');
    expect(html).toContain("Anyone who knows this URL can send events as “Shop”");
    expect(html).not.toContain('data-testid="unsigned-warning-CRM"');
  });
});
