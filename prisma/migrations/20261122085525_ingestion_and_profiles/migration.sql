-- CreateTable
CREATE TABLE "Profile" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "userId" TEXT,
    "traits" JSONB NOT NULL DEFAULT '{}',
    "email" TEXT,
    "phone" TEXT,
    "timezone" TEXT,
    "pushTokens" JSONB NOT NULL DEFAULT '[]',
    "mergedIntoId" UUID,
    "firstSeenAt" TIMESTAMPTZ(3) NOT NULL,
    "lastSeenAt" TIMESTAMPTZ(3) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Profile_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProfileIdentity" (
    "workspaceId" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "profileId" UUID NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProfileIdentity_pkey" PRIMARY KEY ("workspaceId","kind","value")
);

-- CreateTable
CREATE TABLE "Event" (
    "id" BIGSERIAL NOT NULL,
    "workspaceId" UUID NOT NULL,
    "messageId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "name" TEXT,
    "profileId" UUID NOT NULL,
    "userId" TEXT,
    "anonymousId" TEXT,
    "properties" JSONB NOT NULL DEFAULT '{}',
    "traits" JSONB,
    "context" JSONB,
    "timestamp" TIMESTAMPTZ(3) NOT NULL,
    "originalTimestamp" TIMESTAMPTZ(3),
    "sentAt" TIMESTAMPTZ(3),
    "receivedAt" TIMESTAMPTZ(3) NOT NULL,
    "source" TEXT NOT NULL DEFAULT 'api',

    CONSTRAINT "Event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EventType" (
    "workspaceId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "firstSeenAt" TIMESTAMPTZ(3) NOT NULL,
    "lastSeenAt" TIMESTAMPTZ(3) NOT NULL,
    "total" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "EventType_pkey" PRIMARY KEY ("workspaceId","name")
);

-- CreateTable
CREATE TABLE "EventVolume" (
    "workspaceId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "EventVolume_pkey" PRIMARY KEY ("workspaceId","name","day")
);

-- CreateTable
CREATE TABLE "EventProperty" (
    "workspaceId" UUID NOT NULL,
    "eventName" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "firstSeenAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "EventProperty_pkey" PRIMARY KEY ("workspaceId","eventName","key","type")
);

-- CreateTable
CREATE TABLE "EventDispatch" (
    "id" BIGSERIAL NOT NULL,
    "workspaceId" UUID NOT NULL,
    "firstEventId" BIGINT NOT NULL,
    "eventIds" BIGINT[],
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "dispatchedAt" TIMESTAMPTZ(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,

    CONSTRAINT "EventDispatch_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookSource" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "mapping" JSONB NOT NULL,
    "signingSecretCipher" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastReceivedAt" TIMESTAMPTZ(3),

    CONSTRAINT "WebhookSource_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Profile_workspaceId_email_idx" ON "Profile"("workspaceId", "email");

-- CreateIndex
CREATE INDEX "Profile_workspaceId_lastSeenAt_idx" ON "Profile"("workspaceId", "lastSeenAt" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "Profile_workspaceId_userId_key" ON "Profile"("workspaceId", "userId");

-- CreateIndex
CREATE INDEX "ProfileIdentity_profileId_idx" ON "ProfileIdentity"("profileId");

-- CreateIndex
CREATE INDEX "Event_workspaceId_profileId_timestamp_idx" ON "Event"("workspaceId", "profileId", "timestamp" DESC);

-- CreateIndex
CREATE INDEX "Event_workspaceId_receivedAt_idx" ON "Event"("workspaceId", "receivedAt" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "Event_workspaceId_messageId_key" ON "Event"("workspaceId", "messageId");

-- CreateIndex
CREATE INDEX "EventDispatch_dispatchedAt_id_idx" ON "EventDispatch"("dispatchedAt", "id");

-- CreateIndex
CREATE INDEX "WebhookSource_workspaceId_idx" ON "WebhookSource"("workspaceId");

