-- CreateEnum
CREATE TYPE "EnrollmentStatus" AS ENUM ('ACTIVE', 'WAITING', 'COMPLETED', 'CONVERTED', 'EXITED', 'FAILED');

-- CreateEnum
CREATE TYPE "MessageStatus" AS ENUM ('QUEUED', 'SENT', 'DELIVERED', 'BOUNCED', 'FAILED', 'SUPPRESSED');

-- CreateTable
CREATE TABLE "Enrollment" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "journeyId" UUID NOT NULL,
    "journeyVersionId" UUID NOT NULL,
    "profileId" UUID NOT NULL,
    "entryKey" TEXT NOT NULL,
    "status" "EnrollmentStatus" NOT NULL DEFAULT 'ACTIVE',
    "currentNodeId" TEXT NOT NULL,
    "pendingExit" TEXT,
    "wakeAt" TIMESTAMPTZ(3),
    "waitEventName" TEXT,
    "waitMatchProperty" TEXT,
    "waitMatchValue" TEXT,
    "trigger" JSONB NOT NULL,
    "enteredAt" TIMESTAMPTZ(3) NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "endedAt" TIMESTAMPTZ(3),
    "endReason" TEXT,

    CONSTRAINT "Enrollment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EnrollmentStep" (
    "id" BIGSERIAL NOT NULL,
    "enrollmentId" UUID NOT NULL,
    "journeyId" UUID NOT NULL,
    "nodeId" TEXT NOT NULL,
    "nodeType" TEXT NOT NULL,
    "visit" INTEGER NOT NULL DEFAULT 1,
    "enteredAt" TIMESTAMPTZ(3) NOT NULL,
    "leftAt" TIMESTAMPTZ(3),
    "exit" TEXT,
    "inputs" JSONB NOT NULL DEFAULT '{}',
    "outcome" TEXT NOT NULL DEFAULT '',

    CONSTRAINT "EnrollmentStep_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SplitAssignment" (
    "enrollmentId" UUID NOT NULL,
    "nodeId" TEXT NOT NULL,
    "journeyId" UUID NOT NULL,
    "profileId" UUID NOT NULL,
    "armId" TEXT NOT NULL,
    "assignedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "SplitAssignment_pkey" PRIMARY KEY ("enrollmentId","nodeId")
);

-- CreateTable
CREATE TABLE "Conversion" (
    "enrollmentId" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "journeyId" UUID NOT NULL,
    "profileId" UUID NOT NULL,
    "eventId" BIGINT NOT NULL,
    "eventName" TEXT NOT NULL,
    "convertedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Conversion_pkey" PRIMARY KEY ("enrollmentId")
);

-- CreateTable
CREATE TABLE "Message" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "profileId" UUID NOT NULL,
    "journeyId" UUID,
    "journeyVersionId" UUID,
    "enrollmentId" UUID,
    "nodeId" TEXT,
    "channel" TEXT NOT NULL,
    "templateId" TEXT NOT NULL,
    "status" "MessageStatus" NOT NULL DEFAULT 'QUEUED',
    "idempotencyKey" TEXT NOT NULL,
    "context" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Message_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookCall" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "enrollmentId" UUID NOT NULL,
    "nodeId" TEXT NOT NULL,
    "visit" INTEGER NOT NULL,
    "url" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "requestBody" TEXT,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "responseStatus" INTEGER,
    "responseBody" TEXT,
    "error" TEXT,
    "durationMs" INTEGER,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completedAt" TIMESTAMPTZ(3),

    CONSTRAINT "WebhookCall_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Enrollment_status_wakeAt_idx" ON "Enrollment"("status", "wakeAt");

-- CreateIndex
CREATE INDEX "Enrollment_workspaceId_profileId_status_idx" ON "Enrollment"("workspaceId", "profileId", "status");

-- CreateIndex
CREATE INDEX "Enrollment_journeyId_profileId_enteredAt_idx" ON "Enrollment"("journeyId", "profileId", "enteredAt" DESC);

-- CreateIndex
CREATE INDEX "Enrollment_journeyId_status_currentNodeId_idx" ON "Enrollment"("journeyId", "status", "currentNodeId");

-- CreateIndex
CREATE UNIQUE INDEX "Enrollment_journeyId_entryKey_key" ON "Enrollment"("journeyId", "entryKey");

-- CreateIndex
CREATE INDEX "EnrollmentStep_journeyId_nodeId_idx" ON "EnrollmentStep"("journeyId", "nodeId");

-- CreateIndex
CREATE UNIQUE INDEX "EnrollmentStep_enrollmentId_nodeId_visit_key" ON "EnrollmentStep"("enrollmentId", "nodeId", "visit");

-- CreateIndex
CREATE INDEX "SplitAssignment_journeyId_nodeId_armId_idx" ON "SplitAssignment"("journeyId", "nodeId", "armId");

-- CreateIndex
CREATE INDEX "Conversion_journeyId_convertedAt_idx" ON "Conversion"("journeyId", "convertedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Message_idempotencyKey_key" ON "Message"("idempotencyKey");

-- CreateIndex
CREATE INDEX "Message_workspaceId_createdAt_idx" ON "Message"("workspaceId", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "Message_workspaceId_profileId_createdAt_idx" ON "Message"("workspaceId", "profileId", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "Message_journeyId_nodeId_idx" ON "Message"("journeyId", "nodeId");

-- CreateIndex
CREATE UNIQUE INDEX "WebhookCall_enrollmentId_nodeId_visit_key" ON "WebhookCall"("enrollmentId", "nodeId", "visit");

