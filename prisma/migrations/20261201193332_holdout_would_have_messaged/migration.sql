-- AlterTable
ALTER TABLE "SplitAssignment" ADD COLUMN     "wouldHaveMessagedAt" TIMESTAMPTZ(3);

