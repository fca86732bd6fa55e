-- AlterTable
ALTER TABLE "ticket" ADD COLUMN "mergedIntoNumber" INTEGER;

-- AlterTable
ALTER TABLE "comment" ADD COLUMN "mergedFromId" INTEGER;
ALTER TABLE "comment" ADD COLUMN "mergedFromNumber" INTEGER;
ALTER TABLE "comment" ADD COLUMN "writtenAt" DATETIME;

-- CreateIndex
CREATE INDEX "ticket_mergedIntoNumber_idx" ON "ticket"("mergedIntoNumber");

-- CreateIndex
CREATE INDEX "comment_mergedFromId_idx" ON "comment"("mergedFromId");
