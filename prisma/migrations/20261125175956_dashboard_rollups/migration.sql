-- CreateTable
CREATE TABLE "AnalyticsJourneyDay" (
    "workspaceId" UUID NOT NULL,
    "journeyId" UUID NOT NULL,
    "day" DATE NOT NULL,
    "entered" INTEGER NOT NULL DEFAULT 0,
    "completed" INTEGER NOT NULL DEFAULT 0,
    "exited" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "converted" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "AnalyticsJourneyDay_pkey" PRIMARY KEY ("journeyId","day")
);

-- CreateTable
CREATE TABLE "AnalyticsNodeDay" (
    "workspaceId" UUID NOT NULL,
    "journeyId" UUID NOT NULL,
    "day" DATE NOT NULL,
    "nodeId" TEXT NOT NULL,
    "entered" INTEGER NOT NULL DEFAULT 0,
    "converted" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "AnalyticsNodeDay_pkey" PRIMARY KEY ("journeyId","day","nodeId")
);

-- CreateTable
CREATE TABLE "AnalyticsMessageDay" (
    "workspaceId" UUID NOT NULL,
    "day" DATE NOT NULL,
    "journeyId" TEXT NOT NULL DEFAULT '',
    "nodeId" TEXT NOT NULL DEFAULT '',
    "channel" TEXT NOT NULL,
    "queued" INTEGER NOT NULL DEFAULT 0,
    "sent" INTEGER NOT NULL DEFAULT 0,
    "delivered" INTEGER NOT NULL DEFAULT 0,
    "opened" INTEGER NOT NULL DEFAULT 0,
    "clicked" INTEGER NOT NULL DEFAULT 0,
    "bounced" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "suppressed" INTEGER NOT NULL DEFAULT 0,
    "unsubscribed" INTEGER NOT NULL DEFAULT 0,
    "complained" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "AnalyticsMessageDay_pkey" PRIMARY KEY ("workspaceId","day","journeyId","nodeId","channel")
);

-- CreateTable
CREATE TABLE "AnalyticsRollupState" (
    "workspaceId" UUID NOT NULL,
    "lastRunAt" TIMESTAMPTZ(3),
    "catchUpCursor" INTEGER NOT NULL DEFAULT 0,
    "rebuiltAt" TIMESTAMPTZ(3),

    CONSTRAINT "AnalyticsRollupState_pkey" PRIMARY KEY ("workspaceId")
);

-- CreateIndex
CREATE INDEX "AnalyticsJourneyDay_workspaceId_day_idx" ON "AnalyticsJourneyDay"("workspaceId", "day");

-- CreateIndex
CREATE INDEX "AnalyticsNodeDay_workspaceId_day_idx" ON "AnalyticsNodeDay"("workspaceId", "day");

-- CreateIndex
CREATE INDEX "AnalyticsMessageDay_journeyId_day_idx" ON "AnalyticsMessageDay"("journeyId", "day");

-- CreateIndex
CREATE INDEX "Enrollment_journeyId_enteredAt_idx" ON "Enrollment"("journeyId", "enteredAt");

-- CreateIndex
CREATE INDEX "Enrollment_journeyId_endedAt_idx" ON "Enrollment"("journeyId", "endedAt");

-- CreateIndex
CREATE INDEX "EnrollmentStep_journeyId_enteredAt_idx" ON "EnrollmentStep"("journeyId", "enteredAt");

-- CreateIndex
CREATE INDEX "MessageEvent_workspaceId_at_idx" ON "MessageEvent"("workspaceId", "at");

