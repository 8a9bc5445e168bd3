-- AlterTable
ALTER TABLE "ApiKey" ADD COLUMN     "allowedOrigins" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "Profile" ADD COLUMN     "dataIssues" JSONB NOT NULL DEFAULT '{}';

-- CreateTable
CREATE TABLE "RejectedEvent" (
    "id" BIGSERIAL NOT NULL,
    "workspaceId" UUID NOT NULL,
    "receivedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "source" TEXT NOT NULL,
    "keyPrefix" TEXT,
    "endpoint" TEXT NOT NULL,
    "batchIndex" INTEGER NOT NULL,
    "reasons" JSONB NOT NULL,
    "payload" TEXT NOT NULL,

    CONSTRAINT "RejectedEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "RejectedEvent_workspaceId_receivedAt_idx" ON "RejectedEvent"("workspaceId", "receivedAt" DESC);

-- CreateIndex
CREATE INDEX "RejectedEvent_receivedAt_idx" ON "RejectedEvent"("receivedAt");

