/**
 * Where the serve endpoint tells Inngest it lives when it syncs (a PUT to /api/inngest): from configuration,
 * never from the request. Left to itself the SDK builds that URL from the request's Host header, so anyone
 * could PUT with `Host: attacker.example` and have the app register its functions at the attacker's URL,
 * signed with the real signing key. INNGEST_SERVE_ORIGIN (the SDK's own setting; scripts/cairn.ts sets it
 * for the embedded executor) wins, else NEXTAUTH_URL's origin; INNGEST_SERVE_PATH, else /api/inngest.
 * No origin: null, and the endpoint refuses to sync.
 */
export function serveTarget(
  env: Record<string, string | undefined> = process.env,
): { serveOrigin: string; servePath: string } | null {
  const servePath = env.INNGEST_SERVE_PATH?.trim() || "/api/inngest";
  for (const candidate of [env.INNGEST_SERVE_ORIGIN, env.NEXTAUTH_URL]) {
    const value = candidate?.trim();
    if (!value) continue;
    try {
      const url = new URL(value);
      if (url.protocol === "http:" || url.protocol === "https:") return { serveOrigin: url.origin, servePath };
    } catch {
      // not a URL: try the next setting
    }
  }
  return null;
}
