-- AlterTable
ALTER TABLE "User" ADD COLUMN     "sessionVersion" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "Workspace" ADD COLUMN     "identitySecretCipher" TEXT,
ADD COLUMN     "requireVerifiedIdentify" BOOLEAN NOT NULL DEFAULT false;

