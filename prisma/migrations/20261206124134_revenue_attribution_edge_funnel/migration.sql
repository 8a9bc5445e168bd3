-- AlterTable
ALTER TABLE "Conversion" ADD COLUMN     "messageId" UUID,
ADD COLUMN     "revenue" DECIMAL(18,4);

-- AlterTable
ALTER TABLE "AnalyticsJourneyDay" ADD COLUMN     "orders" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "revenue" DECIMAL(18,4) NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "AnalyticsMessageDay" ADD COLUMN     "conversions" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "orders" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "revenue" DECIMAL(18,4) NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "AnalyticsEdgeDay" (
    "workspaceId" UUID NOT NULL,
    "journeyId" UUID NOT NULL,
    "day" DATE NOT NULL,
    "source" TEXT NOT NULL,
    "branch" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "entered" INTEGER NOT NULL DEFAULT 0,
    "converted" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "AnalyticsEdgeDay_pkey" PRIMARY KEY ("journeyId","day","source","branch","target")
);

-- CreateIndex
CREATE INDEX "AnalyticsEdgeDay_workspaceId_day_idx" ON "AnalyticsEdgeDay"("workspaceId", "day");


-- Backfill: the revenue of conversions recorded before this migration (the converting event's value of the
-- enrollment's version's goal.revenueProperty: a number, or a numeric string; otherwise 0, still an order) and
-- the message each is attributed to (the last one the person was sent in the journey at or before converting),
-- as lib/engine/process-events.ts records them from now on.
UPDATE "Conversion" c SET revenue = CASE
    WHEN jsonb_typeof(ev.properties -> x.prop) = 'number' AND abs((ev.properties ->> x.prop)::numeric) < 1e14
      THEN round((ev.properties ->> x.prop)::numeric, 4)
    WHEN jsonb_typeof(ev.properties -> x.prop) = 'string' AND btrim(ev.properties ->> x.prop) ~ '^-?[0-9]{1,14}(\.[0-9]+)?$'
      THEN round(btrim(ev.properties ->> x.prop)::numeric, 4)
    ELSE 0 END
  FROM "Enrollment" e
  JOIN "JourneyVersion" v ON v.id = e."journeyVersionId"
  CROSS JOIN LATERAL (SELECT v.graph -> 'settings' -> 'goal' ->> 'revenueProperty' AS prop) x,
  "Event" ev
 WHERE e.id = c."enrollmentId" AND x.prop IS NOT NULL AND ev.id = c."eventId" AND ev."workspaceId" = c."workspaceId";

UPDATE "Conversion" c SET "messageId" = (
    SELECT m.id FROM "Message" m
     WHERE m."workspaceId" = c."workspaceId" AND m."profileId" = c."profileId" AND m."journeyId" = c."journeyId"
       AND m."sentAt" IS NOT NULL AND m."sentAt" <= c."convertedAt"
     ORDER BY m."sentAt" DESC, m.id DESC LIMIT 1);

-- The rollups gained columns and a table: forget each workspace's rollup state, so the cron's next run
-- rebuilds every day of it from the raw tables (lib/analytics/rollups.ts, rollupOrRebuildWorkspace).
DELETE FROM "AnalyticsRollupState";
