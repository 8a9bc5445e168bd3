-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "topicId" UUID;

-- AlterTable
ALTER TABLE "Broadcast" ADD COLUMN     "topicId" UUID,
ADD COLUMN     "webhook" JSONB;

-- CreateTable
CREATE TABLE "SubscriptionTopic" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "category" TEXT NOT NULL,
    "defaultStatus" TEXT NOT NULL DEFAULT 'subscribed',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "archivedAt" TIMESTAMPTZ(3),

    CONSTRAINT "SubscriptionTopic_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TopicSubscription" (
    "workspaceId" UUID NOT NULL,
    "profileId" UUID NOT NULL,
    "topicId" UUID NOT NULL,
    "status" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "TopicSubscription_pkey" PRIMARY KEY ("profileId","topicId")
);

-- CreateIndex
CREATE UNIQUE INDEX "SubscriptionTopic_workspaceId_key_key" ON "SubscriptionTopic"("workspaceId", "key");

-- CreateIndex
CREATE INDEX "TopicSubscription_topicId_status_idx" ON "TopicSubscription"("topicId", "status");

