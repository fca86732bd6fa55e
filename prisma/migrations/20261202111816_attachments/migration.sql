-- CreateTable
CREATE TABLE "attachment" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "ticketNumber" INTEGER NOT NULL,
    "commentId" INTEGER,
    "name" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "uploaderId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "removedAt" DATETIME,
    "removedById" TEXT,
    CONSTRAINT "attachment_ticketNumber_fkey" FOREIGN KEY ("ticketNumber") REFERENCES "ticket" ("number") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "attachment_commentId_fkey" FOREIGN KEY ("commentId") REFERENCES "comment" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "attachment_uploaderId_fkey" FOREIGN KEY ("uploaderId") REFERENCES "user" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "attachment_removedById_fkey" FOREIGN KEY ("removedById") REFERENCES "user" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "file_blob" (
    "hash" TEXT NOT NULL PRIMARY KEY,
    "size" INTEGER NOT NULL,
    "touchedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "file_chunk" (
    "hash" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "data" BLOB NOT NULL,

    PRIMARY KEY ("hash", "seq"),
    CONSTRAINT "file_chunk_hash_fkey" FOREIGN KEY ("hash") REFERENCES "file_blob" ("hash") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "attachment_ticketNumber_id_idx" ON "attachment"("ticketNumber", "id");

-- CreateIndex
CREATE INDEX "attachment_commentId_idx" ON "attachment"("commentId");

-- CreateIndex
CREATE INDEX "attachment_hash_idx" ON "attachment"("hash");

-- CreateIndex
CREATE INDEX "file_blob_touchedAt_idx" ON "file_blob"("touchedAt");
