-- CreateTable
CREATE TABLE "ProfileTrait" (
    "workspaceId" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "firstSeenAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ProfileTrait_pkey" PRIMARY KEY ("workspaceId","key","type")
);


-- A trait value's catalog type: its JSON type, except that a string that reads as a date
-- (cairn_trait_time, the segments' date reading) is "date". NULL for JSON null (a removed trait).
CREATE FUNCTION cairn_trait_type(v jsonb) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN jsonb_typeof(v) = 'string' AND cairn_trait_time(v) IS NOT NULL THEN 'date'
    WHEN jsonb_typeof(v) = 'null' THEN NULL
    ELSE jsonb_typeof(v)
  END
$$;

-- The traits profiles hold already (the rollup only sees identify calls from now on).
INSERT INTO "ProfileTrait" ("workspaceId", key, type, "firstSeenAt")
SELECT p."workspaceId", t.key, cairn_trait_type(t.value), min(p."firstSeenAt")
  FROM "Profile" p
 CROSS JOIN LATERAL (
   SELECT k.key, k.value FROM jsonb_each(CASE WHEN jsonb_typeof(p.traits) = 'object' THEN p.traits ELSE '{}'::jsonb END) k
   UNION ALL
   SELECT k.key || '.' || n.key, n.value
     FROM jsonb_each(CASE WHEN jsonb_typeof(p.traits) = 'object' THEN p.traits ELSE '{}'::jsonb END) k
    CROSS JOIN LATERAL jsonb_each(CASE WHEN jsonb_typeof(k.value) = 'object' THEN k.value ELSE '{}'::jsonb END) n) t
 WHERE p."mergedIntoId" IS NULL AND cairn_trait_type(t.value) IS NOT NULL AND length(t.key) <= 255
 GROUP BY 1, 2, 3
ON CONFLICT DO NOTHING;
