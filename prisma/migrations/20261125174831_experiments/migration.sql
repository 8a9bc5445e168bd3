-- CreateTable
CREATE TABLE "Experiment" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "journeyId" UUID NOT NULL,
    "nodeId" TEXT NOT NULL,
    "autoWinner" TEXT NOT NULL DEFAULT 'off',
    "weights" JSONB,
    "weightsChangedAt" TIMESTAMPTZ(3),
    "winnerArmId" TEXT,
    "settings" JSONB NOT NULL DEFAULT '{}',
    "lastEvaluatedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Experiment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ExperimentWeightChange" (
    "id" BIGSERIAL NOT NULL,
    "experimentId" UUID NOT NULL,
    "journeyId" UUID NOT NULL,
    "nodeId" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "weights" JSONB NOT NULL,
    "previousWeights" JSONB,
    "reason" TEXT NOT NULL,
    "actorType" TEXT NOT NULL,
    "actorLabel" TEXT NOT NULL,

    CONSTRAINT "ExperimentWeightChange_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ExperimentResult" (
    "id" BIGSERIAL NOT NULL,
    "experimentId" UUID NOT NULL,
    "journeyId" UUID NOT NULL,
    "nodeId" TEXT NOT NULL,
    "computedAt" TIMESTAMPTZ(3) NOT NULL,
    "result" JSONB NOT NULL,

    CONSTRAINT "ExperimentResult_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Experiment_workspaceId_idx" ON "Experiment"("workspaceId");

-- CreateIndex
CREATE UNIQUE INDEX "Experiment_journeyId_nodeId_key" ON "Experiment"("journeyId", "nodeId");

-- CreateIndex
CREATE INDEX "ExperimentWeightChange_experimentId_at_idx" ON "ExperimentWeightChange"("experimentId", "at");

-- CreateIndex
CREATE INDEX "ExperimentResult_experimentId_computedAt_idx" ON "ExperimentResult"("experimentId", "computedAt" DESC);

