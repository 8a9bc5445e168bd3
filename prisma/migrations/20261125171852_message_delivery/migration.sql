-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "claimedUntil" TIMESTAMPTZ(3),
ADD COLUMN     "clickedAt" TIMESTAMPTZ(3),
ADD COLUMN     "content" JSONB,
ADD COLUMN     "deliveredAt" TIMESTAMPTZ(3),
ADD COLUMN     "dismissedAt" TIMESTAMPTZ(3),
ADD COLUMN     "openedAt" TIMESTAMPTZ(3),
ADD COLUMN     "provider" TEXT,
ADD COLUMN     "providerMessageId" TEXT,
ADD COLUMN     "readAt" TIMESTAMPTZ(3),
ADD COLUMN     "sendAfter" TIMESTAMPTZ(3),
ADD COLUMN     "sentAt" TIMESTAMPTZ(3),
ADD COLUMN     "statusReason" TEXT,
ADD COLUMN     "templateVersion" INTEGER,
ADD COLUMN     "to" TEXT;

-- CreateTable
CREATE TABLE "MessageEvent" (
    "id" BIGSERIAL NOT NULL,
    "messageId" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "detail" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "MessageEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ChannelConfig" (
    "workspaceId" UUID NOT NULL,
    "provider" TEXT NOT NULL,
    "settings" JSONB NOT NULL DEFAULT '{}',
    "secretCipher" TEXT,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedByLabel" TEXT NOT NULL,

    CONSTRAINT "ChannelConfig_pkey" PRIMARY KEY ("workspaceId","provider")
);

-- CreateTable
CREATE TABLE "MessagingPolicy" (
    "workspaceId" UUID NOT NULL,
    "frequencyCaps" JSONB NOT NULL DEFAULT '[]',
    "quietHours" JSONB,
    "requireOptIn" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedByLabel" TEXT NOT NULL,

    CONSTRAINT "MessagingPolicy_pkey" PRIMARY KEY ("workspaceId")
);

-- CreateTable
CREATE TABLE "ChannelConsent" (
    "workspaceId" UUID NOT NULL,
    "profileId" UUID NOT NULL,
    "channel" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ChannelConsent_pkey" PRIMARY KEY ("profileId","channel")
);

-- CreateTable
CREATE TABLE "Suppression" (
    "workspaceId" UUID NOT NULL,
    "channel" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "detail" TEXT,
    "messageId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Suppression_pkey" PRIMARY KEY ("workspaceId","channel","address")
);

-- CreateTable
CREATE TABLE "OutboxEmail" (
    "id" UUID NOT NULL,
    "workspaceId" UUID,
    "messageId" UUID,
    "envelopeFrom" TEXT NOT NULL,
    "envelopeTo" TEXT[],
    "subject" TEXT NOT NULL,
    "raw" TEXT NOT NULL,
    "receivedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "OutboxEmail_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "MessageEvent_messageId_at_idx" ON "MessageEvent"("messageId", "at");

-- CreateIndex
CREATE INDEX "ChannelConsent_workspaceId_idx" ON "ChannelConsent"("workspaceId");

-- CreateIndex
CREATE INDEX "OutboxEmail_workspaceId_receivedAt_idx" ON "OutboxEmail"("workspaceId", "receivedAt" DESC);

-- CreateIndex
CREATE INDEX "Message_profileId_channel_sentAt_idx" ON "Message"("profileId", "channel", "sentAt");

-- CreateIndex
CREATE INDEX "Message_provider_providerMessageId_idx" ON "Message"("provider", "providerMessageId");

-- CreateIndex
-- Partial: only messages still to send are in it (few, whatever the size of the table), so the deliver-due
-- sweep reads them all cheaply, delayed or with a lapsed claim.
CREATE INDEX "Message_sendAfter_idx" ON "Message"("sendAfter") WHERE status = 'QUEUED';

