/**
 * The public origin of Cairn, for links people copy (invitations). NEXTAUTH_URL when set (it must be the
 * public URL for OAuth anyway), otherwise the origin the request came to.
 */
export function publicOrigin(request: Request): string {
  const configured = process.env.NEXTAUTH_URL;
  if (configured) return configured.replace(/\/+$/, "");
  return new URL(request.url).origin;
}

export function invitationUrl(request: Request, token: string): string {
  return `${publicOrigin(request)}/invite/${encodeURIComponent(token)}`;
}
