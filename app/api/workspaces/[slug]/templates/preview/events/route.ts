import { ZPreviewEventsQuery } from "@/lib/api/queries";
import { withWorkspace } from "@/lib/http/handler";
import { listCatalogNames } from "@/lib/events/events";
import { getProfile, listProfileEvents } from "@/lib/profiles/profiles";

/**
 * Events to preview a template with: ?profileId= (id, userId or anonymousId) lists that person's 20 newest
 * events with their properties; without it, the event catalog's names (the preview then takes a name's newest event).
 */
export const GET = withWorkspace(
  { permission: "workspace:read", auth: "session", query: ZPreviewEventsQuery },
  async (ctx, { query: { profileId } }) => {
    if (!profileId) return { catalog: (await listCatalogNames(ctx)).map((c) => c.name) };
    const profile = await getProfile(ctx, profileId);
    const { events } = await listProfileEvents(ctx, profile.id, { limit: 20 });
    return {
      events: events.map((e) => ({
        id: e.id,
        name: e.name,
        type: e.type,
        timestamp: e.timestamp,
        properties: e.properties,
      })),
    };
  },
);
