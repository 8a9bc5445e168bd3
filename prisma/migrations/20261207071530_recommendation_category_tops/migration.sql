-- CreateTable
CREATE TABLE "RecommendationCategoryTop" (
    "workspaceId" UUID NOT NULL,
    "catalogId" UUID NOT NULL,
    "category" TEXT NOT NULL,
    "items" JSONB NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "RecommendationCategoryTop_pkey" PRIMARY KEY ("catalogId","category")
);


-- The lists of the categories already viewed (the incremental build keeps them from here on)
INSERT INTO "RecommendationCategoryTop" ("workspaceId", "catalogId", category, items, "updatedAt")
SELECT ws, "catalogId", category,
       jsonb_agg(jsonb_build_object('id', "itemId", 'people', people) ORDER BY people DESC, "itemId"), now()
  FROM (
    SELECT c."workspaceId" AS ws, c."catalogId", c.category, c."itemId", s.people,
           row_number() OVER (PARTITION BY c."catalogId", c.category ORDER BY s.people DESC, c."itemId") AS position
      FROM "CatalogItem" c
      JOIN "RecommendationItemStat" s ON s."workspaceId" = c."workspaceId" AND s.kind = 'view' AND s."itemId" = c."itemId"
     WHERE c.category IS NOT NULL
  ) ranked
 WHERE position <= 100
 GROUP BY ws, "catalogId", category;
