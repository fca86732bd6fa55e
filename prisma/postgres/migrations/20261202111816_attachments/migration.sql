-- CreateTable
CREATE TABLE "attachment" (
    "id" SERIAL NOT NULL,
    "ticketNumber" INTEGER NOT NULL,
    "commentId" INTEGER,
    "name" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "uploaderId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "removedAt" TIMESTAMP(3),
    "removedById" TEXT,

    CONSTRAINT "attachment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "file_blob" (
    "hash" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "touchedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "file_blob_pkey" PRIMARY KEY ("hash")
);

-- CreateTable
CREATE TABLE "file_chunk" (
    "hash" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "data" BYTEA NOT NULL,

    CONSTRAINT "file_chunk_pkey" PRIMARY KEY ("hash","seq")
);

-- CreateIndex
CREATE INDEX "attachment_ticketNumber_id_idx" ON "attachment"("ticketNumber", "id");

-- CreateIndex
CREATE INDEX "attachment_commentId_idx" ON "attachment"("commentId");

-- CreateIndex
CREATE INDEX "attachment_hash_idx" ON "attachment"("hash");

-- CreateIndex
CREATE INDEX "file_blob_touchedAt_idx" ON "file_blob"("touchedAt");

-- AddForeignKey
ALTER TABLE "attachment" ADD CONSTRAINT "attachment_ticketNumber_fkey" FOREIGN KEY ("ticketNumber") REFERENCES "ticket"("number") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "attachment" ADD CONSTRAINT "attachment_commentId_fkey" FOREIGN KEY ("commentId") REFERENCES "comment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "attachment" ADD CONSTRAINT "attachment_uploaderId_fkey" FOREIGN KEY ("uploaderId") REFERENCES "user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "attachment" ADD CONSTRAINT "attachment_removedById_fkey" FOREIGN KEY ("removedById") REFERENCES "user"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "file_chunk" ADD CONSTRAINT "file_chunk_hash_fkey" FOREIGN KEY ("hash") REFERENCES "file_blob"("hash") ON DELETE CASCADE ON UPDATE CASCADE;

-- Attachments are mostly compressed already (images, PDFs, archives): kept out of line without
-- trying to compress them, which also lets a range read (substr) fetch only the part it needs.
ALTER TABLE "file_chunk" ALTER COLUMN "data" SET STORAGE EXTERNAL;
