/** Only same-site paths may be redirected to after sign-in; anything else (//evil.com, https://…) goes home. */
export function safeReturnPath(value: string | string[] | undefined, fallback = "/"): string {
  const path = Array.isArray(value) ? value[0] : value;
  if (!path || !path.startsWith("/") || path.startsWith("//") || path.startsWith("/\\")) return fallback;
  return path;
}
