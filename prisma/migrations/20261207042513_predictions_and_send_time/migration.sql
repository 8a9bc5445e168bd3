-- CreateTable
CREATE TABLE "Prediction" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "target" JSONB NOT NULL,
    "horizonDays" INTEGER NOT NULL,
    "audienceSegmentId" UUID,
    "retrainEveryDays" INTEGER NOT NULL DEFAULT 7,
    "liveModelId" UUID,
    "trainingStatus" TEXT NOT NULL DEFAULT 'idle',
    "trainingError" TEXT,
    "trainingStartedAt" TIMESTAMPTZ(3),
    "lastTrainedAt" TIMESTAMPTZ(3),
    "lastScoredAt" TIMESTAMPTZ(3),
    "archivedAt" TIMESTAMPTZ(3),
    "createdByLabel" TEXT NOT NULL,
    "updatedByLabel" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Prediction_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PredictionModel" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "predictionId" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "verdict" TEXT NOT NULL,
    "trainingFrom" TIMESTAMPTZ(3) NOT NULL,
    "trainingTo" TIMESTAMPTZ(3) NOT NULL,
    "validationFrom" TIMESTAMPTZ(3) NOT NULL,
    "validationTo" TIMESTAMPTZ(3) NOT NULL,
    "artifact" JSONB,
    "quality" JSONB,
    "examples" INTEGER NOT NULL DEFAULT 0,
    "positives" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "durationMs" INTEGER NOT NULL DEFAULT 0,
    "trainedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "PredictionModel_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PredictionScore" (
    "predictionId" UUID NOT NULL,
    "profileId" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "modelId" UUID NOT NULL,
    "probability" DOUBLE PRECISION NOT NULL,
    "score" INTEGER NOT NULL,
    "tier" TEXT NOT NULL,
    "reasons" JSONB NOT NULL DEFAULT '[]',
    "scoredAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "PredictionScore_pkey" PRIMARY KEY ("predictionId","profileId")
);

-- CreateTable
CREATE TABLE "PredictionScoreChange" (
    "id" BIGSERIAL NOT NULL,
    "workspaceId" UUID NOT NULL,
    "predictionId" UUID NOT NULL,
    "profileId" UUID NOT NULL,
    "fromScore" INTEGER,
    "toScore" INTEGER,
    "fromTier" TEXT,
    "toTier" TEXT,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "dispatchedAt" TIMESTAMPTZ(3),

    CONSTRAINT "PredictionScoreChange_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProfileSendTime" (
    "profileId" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "weights" JSONB NOT NULL DEFAULT '{}',
    "total" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "engagements" INTEGER NOT NULL DEFAULT 0,
    "asOf" TIMESTAMPTZ(3) NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProfileSendTime_pkey" PRIMARY KEY ("profileId")
);

-- CreateTable
CREATE TABLE "WorkspaceSendTime" (
    "workspaceId" UUID NOT NULL,
    "weights" JSONB NOT NULL,
    "total" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "people" INTEGER NOT NULL DEFAULT 0,
    "asOf" TIMESTAMPTZ(3) NOT NULL,
    "eventCursor" BIGINT NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WorkspaceSendTime_pkey" PRIMARY KEY ("workspaceId")
);

-- CreateIndex
CREATE INDEX "Prediction_workspaceId_updatedAt_idx" ON "Prediction"("workspaceId", "updatedAt" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "Prediction_workspaceId_key_key" ON "Prediction"("workspaceId", "key");

-- CreateIndex
CREATE INDEX "PredictionModel_predictionId_trainedAt_idx" ON "PredictionModel"("predictionId", "trainedAt" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "PredictionModel_predictionId_version_key" ON "PredictionModel"("predictionId", "version");

-- CreateIndex
CREATE INDEX "PredictionScore_workspaceId_profileId_idx" ON "PredictionScore"("workspaceId", "profileId");

-- CreateIndex
CREATE INDEX "PredictionScore_predictionId_tier_idx" ON "PredictionScore"("predictionId", "tier");

-- CreateIndex
CREATE INDEX "PredictionScore_predictionId_score_idx" ON "PredictionScore"("predictionId", "score");

-- CreateIndex
CREATE INDEX "PredictionScoreChange_dispatchedAt_id_idx" ON "PredictionScoreChange"("dispatchedAt", "id");

-- CreateIndex
CREATE INDEX "PredictionScoreChange_predictionId_at_idx" ON "PredictionScoreChange"("predictionId", "at");

-- CreateIndex
CREATE INDEX "ProfileSendTime_workspaceId_idx" ON "ProfileSendTime"("workspaceId");

