/**
 * Where Cairn's sign-in, setup and invitation forms post when their script has not run (JavaScript off, or
 * the dev server refusing to serve it to an origin it does not know). Those forms are always sent with
 * fetch by their script; a browser submitting one by itself means nothing was handled. The body (which
 * holds a password) is never read, parsed or logged: the answer is a plain page saying what to do.
 */
const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>JavaScript is needed - Cairn</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 36rem; margin: 4rem auto; padding: 0 1rem; color: #1c1917">
<h1 style="font-size: 1.25rem">This form needs JavaScript</h1>
<p>Nothing was submitted: Cairn sends this form with JavaScript, and it did not run in this page.</p>
<p>Turn JavaScript on for this site, or, if you run Cairn's development server, open it at the address
<code>npm run dev</code> printed (or one listed in <code>allowedDevOrigins</code>), then go back and try again.</p>
</body></html>`;

function page(status: number): Response {
  return new Response(PAGE, {
    status,
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": "no-store",
      ...(status === 405 ? { Allow: "GET" } : {}),
    },
  });
}

export async function GET(): Promise<Response> {
  return page(200);
}

export async function POST(request: Request): Promise<Response> {
  // Drop the body unread so nothing of it is buffered or parsed.
  await request.body?.cancel().catch(() => {});
  return page(405);
}
