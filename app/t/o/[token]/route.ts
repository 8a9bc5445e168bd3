import { recordOpen } from "@/lib/messaging/engagement";
import { PIXEL_GIF } from "@/lib/messaging/tracking";

/** The open pixel. Always answers with the image: a broken image in someone's inbox helps nobody. */
export async function GET(_request: Request, { params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  await recordOpen(token.replace(/\.gif$/, "")).catch((error) => console.error("[cairn] open tracking failed", error));
  return new Response(new Uint8Array(PIXEL_GIF), {
    headers: {
      "Content-Type": "image/gif",
      "Cache-Control": "no-store, private",
      "Content-Length": String(PIXEL_GIF.length),
    },
  });
}
