-- CreateTable
CREATE TABLE "tag" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "tickets" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tag_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ticket_tag" (
    "ticketNumber" INTEGER NOT NULL,
    "tagId" INTEGER NOT NULL,

    CONSTRAINT "ticket_tag_pkey" PRIMARY KEY ("ticketNumber","tagId")
);

-- CreateIndex
CREATE UNIQUE INDEX "tag_name_key" ON "tag"("name");

-- CreateIndex
CREATE INDEX "tag_tickets_id_idx" ON "tag"("tickets", "id");

-- CreateIndex
CREATE INDEX "ticket_tag_tagId_ticketNumber_idx" ON "ticket_tag"("tagId", "ticketNumber");

-- AddForeignKey
ALTER TABLE "ticket_tag" ADD CONSTRAINT "ticket_tag_ticketNumber_fkey" FOREIGN KEY ("ticketNumber") REFERENCES "ticket"("number") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ticket_tag" ADD CONSTRAINT "ticket_tag_tagId_fkey" FOREIGN KEY ("tagId") REFERENCES "tag"("id") ON DELETE CASCADE ON UPDATE CASCADE;
