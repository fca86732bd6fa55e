-- AlterTable
ALTER TABLE "ticket" ADD COLUMN     "mergedIntoNumber" INTEGER;

-- AlterTable
ALTER TABLE "comment" ADD COLUMN     "mergedFromId" INTEGER,
ADD COLUMN     "mergedFromNumber" INTEGER,
ADD COLUMN     "writtenAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "ticket_mergedIntoNumber_idx" ON "ticket"("mergedIntoNumber");

-- CreateIndex
CREATE INDEX "comment_mergedFromId_idx" ON "comment"("mergedFromId");
