-- AlterTable
ALTER TABLE "Workspace" ADD COLUMN     "aiAllowPersonalData" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "aiMonthlyTokenLimit" INTEGER NOT NULL DEFAULT 200000,
ADD COLUMN     "bannedPhrases" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN     "brandVoice" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "defaultLocale" TEXT NOT NULL DEFAULT 'en',
ADD COLUMN     "requireTemplateApproval" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "templateApproveRole" "Role" NOT NULL DEFAULT 'ADMIN';

-- AlterTable
ALTER TABLE "MessageTemplateVersion" ADD COLUMN     "aiDrafted" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "approvedAt" TIMESTAMPTZ(3),
ADD COLUMN     "approvedById" UUID,
ADD COLUMN     "approvedByLabel" TEXT,
ADD COLUMN     "needsApproval" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "LlmProvider" (
    "workspaceId" UUID NOT NULL,
    "baseUrl" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "apiKeyCipher" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LlmProvider_pkey" PRIMARY KEY ("workspaceId")
);

-- CreateTable
CREATE TABLE "LlmUsage" (
    "workspaceId" UUID NOT NULL,
    "month" TEXT NOT NULL,
    "promptTokens" INTEGER NOT NULL DEFAULT 0,
    "completionTokens" INTEGER NOT NULL DEFAULT 0,
    "requests" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "LlmUsage_pkey" PRIMARY KEY ("workspaceId","month")
);

