-- AlterTable
ALTER TABLE "Workspace" ADD COLUMN     "contentLocales" JSONB NOT NULL DEFAULT '[]';

