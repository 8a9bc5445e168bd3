"use client";

import { useEffect, useState } from "react";
import { api } from "../../api/client";
import { listPredictionChoices } from "../fields/prediction-picker";

/**
 * Message steps show their template's name, segment triggers their segment's, prediction triggers their
 * prediction's: one request each for the workspace's templates, segments and predictions when it opens (ids are
 * UUIDs, so one map holds them all).
 */
export function useReferenceNames(slug: string): ReadonlyMap<string, string> {
  const [templateNames, setTemplateNames] = useState<ReadonlyMap<string, string>>(() => new Map());
  useEffect(() => {
    let cancelled = false;
    // Without names (a request that fails) the steps show the id.
    const add = (list: { id: string; name: string }[] | undefined) => {
      if (!cancelled && list)
        setTemplateNames((prev) => new Map([...prev, ...list.map((t): [string, string] => [t.id, t.name])]));
    };
    void api.templates.list(slug).then((result) => result.ok && add(result.data?.templates));
    void api.segments.list(slug).then((result) => result.ok && add(result.data?.segments));
    void listPredictionChoices(slug).then((result) => result.ok && add(result.data?.predictions));
    return () => {
      cancelled = true;
    };
  }, [slug]);
  return templateNames;
}
