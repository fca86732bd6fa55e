-- CreateTable
CREATE TABLE "tag" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "tickets" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "ticket_tag" (
    "ticketNumber" INTEGER NOT NULL,
    "tagId" INTEGER NOT NULL,

    PRIMARY KEY ("ticketNumber", "tagId"),
    CONSTRAINT "ticket_tag_ticketNumber_fkey" FOREIGN KEY ("ticketNumber") REFERENCES "ticket" ("number") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ticket_tag_tagId_fkey" FOREIGN KEY ("tagId") REFERENCES "tag" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "tag_name_key" ON "tag"("name");

-- CreateIndex
CREATE INDEX "tag_tickets_id_idx" ON "tag"("tickets", "id");

-- CreateIndex
CREATE INDEX "ticket_tag_tagId_ticketNumber_idx" ON "ticket_tag"("tagId", "ticketNumber");
