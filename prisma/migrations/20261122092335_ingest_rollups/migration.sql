-- AlterTable
ALTER TABLE "EventDispatch" ADD COLUMN     "rolledUpAt" TIMESTAMPTZ(3);

-- CreateIndex
CREATE INDEX "EventDispatch_rolledUpAt_id_idx" ON "EventDispatch"("rolledUpAt", "id");

