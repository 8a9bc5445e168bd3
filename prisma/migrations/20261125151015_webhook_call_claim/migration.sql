-- AlterTable
ALTER TABLE "WebhookCall" ADD COLUMN     "claimedUntil" TIMESTAMPTZ(3);

