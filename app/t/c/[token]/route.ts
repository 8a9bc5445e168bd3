import { AppError } from "@/lib/errors";
import { recordClick } from "@/lib/messaging/engagement";
import { plainPage } from "@/lib/http/plain-page";

/** A tracked link: records the click, then sends the person on. A link whose signature doesn't match its URL is refused. */
export async function GET(request: Request, { params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const url = new URL(request.url).searchParams.get("u") ?? "";
  try {
    return Response.redirect(await recordClick(token, url), 302);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return plainPage("Link not valid", error.message, 404);
  }
}
