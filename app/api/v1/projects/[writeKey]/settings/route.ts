import { browserSettingsResponse } from "@/lib/ingest/browser-ingest";

/** The settings document Segment's browser library loads from `<cdnURL>/v1/projects/<writeKey>/settings` (cdnURL: Cairn's /api). */
export async function GET(request: Request, { params }: { params: Promise<{ writeKey: string }> }): Promise<Response> {
  return browserSettingsResponse(request, (await params).writeKey);
}
