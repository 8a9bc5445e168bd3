import { randomBytes } from "node:crypto";

/** "Acme Marketing!" -> "acme-marketing"; a random suffix keeps slugs unique without a retry loop. */
export function slugify(name: string): string {
  const base = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
  return base || "workspace";
}

export function uniqueSlug(name: string): string {
  return `${slugify(name)}-${randomBytes(3).toString("hex")}`;
}
