-- CreateEnum
CREATE TYPE "BroadcastStatus" AS ENUM ('DRAFT', 'SCHEDULED', 'SENDING', 'PAUSED', 'SENT', 'CANCELLED');

-- AlterEnum
ALTER TYPE "MessageStatus" ADD VALUE 'CANCELLED';

-- AlterTable
ALTER TABLE "Workspace" ADD COLUMN     "broadcastSendRole" "Role" NOT NULL DEFAULT 'ADMIN',
ADD COLUMN     "timezone" TEXT NOT NULL DEFAULT 'UTC';

-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "broadcastId" UUID,
ADD COLUMN     "category" TEXT NOT NULL DEFAULT 'marketing',
ADD COLUMN     "inlineContent" JSONB,
ADD COLUMN     "variant" TEXT,
ALTER COLUMN "profileId" DROP NOT NULL;

-- CreateTable
CREATE TABLE "Broadcast" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "status" "BroadcastStatus" NOT NULL DEFAULT 'DRAFT',
    "segmentIds" UUID[],
    "excludedSegmentIds" UUID[],
    "variants" JSONB NOT NULL,
    "holdoutPercent" INTEGER NOT NULL DEFAULT 0,
    "testPercent" INTEGER,
    "winnerAfterHours" INTEGER,
    "winnerMetric" TEXT,
    "winnerVariant" TEXT,
    "winnerDecidedAt" TIMESTAMPTZ(3),
    "phase" TEXT,
    "scheduleKind" TEXT NOT NULL DEFAULT 'now',
    "sendAt" TIMESTAMPTZ(3),
    "localDate" TEXT,
    "localTime" TEXT,
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "throttlePerMinute" INTEGER,
    "conversionEvent" TEXT,
    "conversionWindowHours" INTEGER NOT NULL DEFAULT 72,
    "audienceCursor" UUID,
    "audienceDone" BOOLEAN NOT NULL DEFAULT false,
    "audienceCount" INTEGER NOT NULL DEFAULT 0,
    "holdoutCount" INTEGER NOT NULL DEFAULT 0,
    "lastProgressAt" TIMESTAMPTZ(3),
    "startedAt" TIMESTAMPTZ(3),
    "pausedAt" TIMESTAMPTZ(3),
    "completedAt" TIMESTAMPTZ(3),
    "cancelledAt" TIMESTAMPTZ(3),
    "createdByLabel" TEXT NOT NULL,
    "updatedByLabel" TEXT NOT NULL,
    "sentByLabel" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "archivedAt" TIMESTAMPTZ(3),

    CONSTRAINT "Broadcast_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BroadcastHoldout" (
    "broadcastId" UUID NOT NULL,
    "profileId" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "BroadcastHoldout_pkey" PRIMARY KEY ("broadcastId","profileId")
);

-- CreateIndex
CREATE INDEX "Broadcast_workspaceId_createdAt_idx" ON "Broadcast"("workspaceId", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "Broadcast_status_idx" ON "Broadcast"("status");

-- CreateIndex
CREATE INDEX "Message_broadcastId_status_sendAfter_idx" ON "Message"("broadcastId", "status", "sendAfter");

