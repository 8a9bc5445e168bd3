-- CreateTable
CREATE TABLE "Segment" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "kind" TEXT NOT NULL,
    "definition" JSONB,
    "version" INTEGER NOT NULL DEFAULT 1,
    "memberCount" INTEGER NOT NULL DEFAULT 0,
    "archivedAt" TIMESTAMPTZ(3),
    "recomputeStatus" TEXT NOT NULL DEFAULT 'idle',
    "recomputeVersion" INTEGER,
    "recomputeProcessed" INTEGER NOT NULL DEFAULT 0,
    "recomputeTotal" INTEGER NOT NULL DEFAULT 0,
    "recomputeStartedAt" TIMESTAMPTZ(3),
    "recomputeFinishedAt" TIMESTAMPTZ(3),
    "recomputeError" TEXT,
    "createdByLabel" TEXT NOT NULL,
    "updatedByLabel" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Segment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SegmentMembership" (
    "segmentId" UUID NOT NULL,
    "profileId" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "enteredAt" TIMESTAMPTZ(3) NOT NULL,
    "nextCheckAt" TIMESTAMPTZ(3),

    CONSTRAINT "SegmentMembership_pkey" PRIMARY KEY ("segmentId","profileId")
);

-- CreateTable
CREATE TABLE "SegmentCheck" (
    "segmentId" UUID NOT NULL,
    "profileId" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "nextCheckAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "SegmentCheck_pkey" PRIMARY KEY ("segmentId","profileId")
);

-- CreateTable
CREATE TABLE "SegmentMembershipChange" (
    "id" BIGSERIAL NOT NULL,
    "workspaceId" UUID NOT NULL,
    "segmentId" UUID NOT NULL,
    "profileId" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "dispatchedAt" TIMESTAMPTZ(3),

    CONSTRAINT "SegmentMembershipChange_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SegmentDailySize" (
    "segmentId" UUID NOT NULL,
    "day" DATE NOT NULL,
    "size" INTEGER NOT NULL,
    "entered" INTEGER NOT NULL DEFAULT 0,
    "exited" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "SegmentDailySize_pkey" PRIMARY KEY ("segmentId","day")
);

-- CreateTable
CREATE TABLE "SegmentReference" (
    "workspaceId" UUID NOT NULL,
    "segmentId" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "value" TEXT NOT NULL,

    CONSTRAINT "SegmentReference_pkey" PRIMARY KEY ("segmentId","kind","value")
);

-- CreateIndex
CREATE INDEX "Segment_workspaceId_updatedAt_idx" ON "Segment"("workspaceId", "updatedAt" DESC);

-- CreateIndex
CREATE INDEX "SegmentMembership_segmentId_enteredAt_idx" ON "SegmentMembership"("segmentId", "enteredAt" DESC);

-- CreateIndex
CREATE INDEX "SegmentMembership_profileId_idx" ON "SegmentMembership"("profileId");

-- CreateIndex
CREATE INDEX "SegmentMembership_nextCheckAt_idx" ON "SegmentMembership"("nextCheckAt");

-- CreateIndex
CREATE INDEX "SegmentCheck_nextCheckAt_idx" ON "SegmentCheck"("nextCheckAt");

-- CreateIndex
CREATE INDEX "SegmentMembershipChange_segmentId_at_idx" ON "SegmentMembershipChange"("segmentId", "at");

-- CreateIndex
CREATE INDEX "SegmentMembershipChange_dispatchedAt_id_idx" ON "SegmentMembershipChange"("dispatchedAt", "id");

-- CreateIndex
CREATE INDEX "SegmentReference_workspaceId_kind_value_idx" ON "SegmentReference"("workspaceId", "kind", "value");

-- CreateIndex
CREATE INDEX "Profile_mergedIntoId_idx" ON "Profile"("mergedIntoId");

-- CreateIndex
CREATE INDEX "Event_workspaceId_profileId_name_timestamp_idx" ON "Event"("workspaceId", "profileId", "name", "timestamp");


-- Segments' date conditions on traits (lib/segments/evaluate.ts): a trait as a moment, read as the journeys
-- read it (lib/engine/time.ts parseDateTrait): numbers are epoch seconds (milliseconds above 1e11), strings
-- an ISO date (midnight UTC) or date-time; anything else, or an impossible date, is NULL rather than an error.
CREATE FUNCTION cairn_trait_time(v jsonb) RETURNS timestamptz LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
  s text;
BEGIN
  IF v IS NULL THEN
    RETURN NULL;
  ELSIF jsonb_typeof(v) = 'number' THEN
    IF v::numeric > 100000000000 THEN
      RETURN to_timestamp((v::numeric / 1000)::double precision);
    END IF;
    RETURN to_timestamp(v::numeric::double precision);
  ELSIF jsonb_typeof(v) <> 'string' THEN
    RETURN NULL;
  END IF;
  s := btrim(v #>> '{}');
  IF s ~ '^\d{4}-\d{2}-\d{2}$' THEN
    RETURN (s || 'T00:00:00Z')::timestamptz;
  ELSIF s ~ '^\d{4}-\d{2}-\d{2}T' THEN
    IF s ~ '([Zz]|[+-]\d{2}(:?\d{2})?)$' THEN
      RETURN s::timestamptz;
    END IF;
    RETURN s::timestamp AT TIME ZONE 'UTC';
  END IF;
  RETURN NULL;
EXCEPTION WHEN others THEN
  RETURN NULL;
END
$$;
