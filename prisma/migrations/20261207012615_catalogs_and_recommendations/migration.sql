-- CreateTable
CREATE TABLE "Catalog" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "columns" JSONB NOT NULL DEFAULT '[]',
    "itemCount" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Catalog_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CatalogItem" (
    "catalogId" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "itemId" TEXT NOT NULL,
    "name" TEXT,
    "url" TEXT,
    "imageUrl" TEXT,
    "price" DECIMAL(14,4),
    "currency" TEXT,
    "category" TEXT,
    "inStock" BOOLEAN NOT NULL DEFAULT true,
    "data" JSONB NOT NULL DEFAULT '{}',
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CatalogItem_pkey" PRIMARY KEY ("catalogId","itemId")
);

-- CreateTable
CREATE TABLE "RecommendationCursor" (
    "id" TEXT NOT NULL,
    "lastEventId" BIGINT NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RecommendationCursor_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RecommendationInteraction" (
    "workspaceId" UUID NOT NULL,
    "profileId" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "itemId" TEXT NOT NULL,
    "rank" INTEGER NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 1,
    "firstEventId" BIGINT NOT NULL,
    "lastAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "RecommendationInteraction_pkey" PRIMARY KEY ("workspaceId","profileId","kind","itemId")
);

-- CreateTable
CREATE TABLE "RecommendationItemStat" (
    "workspaceId" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "itemId" TEXT NOT NULL,
    "people" INTEGER NOT NULL,

    CONSTRAINT "RecommendationItemStat_pkey" PRIMARY KEY ("workspaceId","kind","itemId")
);

-- CreateTable
CREATE TABLE "RecommendationPair" (
    "workspaceId" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "itemA" TEXT NOT NULL,
    "itemB" TEXT NOT NULL,
    "people" INTEGER NOT NULL,

    CONSTRAINT "RecommendationPair_pkey" PRIMARY KEY ("workspaceId","kind","itemA","itemB")
);

-- CreateTable
CREATE TABLE "RecommendationNeighbors" (
    "workspaceId" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "itemId" TEXT NOT NULL,
    "neighbors" JSONB NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RecommendationNeighbors_pkey" PRIMARY KEY ("workspaceId","kind","itemId")
);

-- CreateIndex
CREATE UNIQUE INDEX "Catalog_workspaceId_key_key" ON "Catalog"("workspaceId", "key");

-- CreateIndex
CREATE INDEX "CatalogItem_catalogId_category_idx" ON "CatalogItem"("catalogId", "category");

-- CreateIndex
CREATE INDEX "RecommendationInteraction_workspaceId_profileId_kind_lastAt_idx" ON "RecommendationInteraction"("workspaceId", "profileId", "kind", "lastAt" DESC);

-- CreateIndex
CREATE INDEX "RecommendationItemStat_workspaceId_kind_people_idx" ON "RecommendationItemStat"("workspaceId", "kind", "people" DESC);

