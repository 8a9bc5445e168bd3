"use client";

import { useEffect, useState } from "react";

/**
 * Message steps show their template's name, segment triggers their segment's: one request for the
 * workspace's templates and one for its segments when it opens (ids are UUIDs, so one map holds both).
 */
export function useReferenceNames(slug: string): ReadonlyMap<string, string> {
  const [templateNames, setTemplateNames] = useState<ReadonlyMap<string, string>>(() => new Map());
  useEffect(() => {
    let cancelled = false;
    const names = (url: string, key: "templates" | "segments") =>
      fetch(url)
        .then((response) => (response.ok ? response.json() : null))
        .then((body: Record<string, { id: string; name: string }[] | undefined> | null) => {
          const list = body?.[key];
          if (!cancelled && list)
            setTemplateNames((prev) => new Map([...prev, ...list.map((t): [string, string] => [t.id, t.name])]));
        })
        .catch(() => {
          // Without names the steps show the id, as before.
        });
    void names(`/api/workspaces/${slug}/templates`, "templates");
    void names(`/api/workspaces/${slug}/segments`, "segments");
    return () => {
      cancelled = true;
    };
  }, [slug]);
  return templateNames;
}
