-- AlterTable
ALTER TABLE "user" ADD COLUMN "timeZone" TEXT;

-- CreateTable
CREATE TABLE "notification_default" (
    "kind" TEXT NOT NULL PRIMARY KEY,
    "enabled" BOOLEAN NOT NULL
);

-- CreateTable
CREATE TABLE "notification_choice" (
    "userId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL,

    PRIMARY KEY ("userId", "kind"),
    CONSTRAINT "notification_choice_userId_fkey" FOREIGN KEY ("userId") REFERENCES "user" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "outbound_mail" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "kind" TEXT NOT NULL,
    "ticketNumber" INTEGER,
    "toUserId" TEXT,
    "toAddress" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "html" TEXT NOT NULL,
    "messageId" TEXT NOT NULL,
    "inReplyTo" TEXT,
    "references" TEXT,
    "replyTo" TEXT,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "leaseOwner" TEXT,
    "leaseUntil" DATETIME,
    "lastResponse" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" DATETIME,
    CONSTRAINT "outbound_mail_ticketNumber_fkey" FOREIGN KEY ("ticketNumber") REFERENCES "ticket" ("number") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "outbound_mail_toUserId_fkey" FOREIGN KEY ("toUserId") REFERENCES "user" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "inbound_mail" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "messageKey" TEXT NOT NULL,
    "uidKey" TEXT,
    "fromAddress" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "raw" BLOB NOT NULL,
    "size" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "reason" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 1,
    "ticketNumber" INTEGER,
    "commentId" INTEGER,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "inbound_mail_ticketNumber_fkey" FOREIGN KEY ("ticketNumber") REFERENCES "ticket" ("number") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "lease" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "owner" TEXT NOT NULL,
    "until" DATETIME NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "outbound_mail_messageId_key" ON "outbound_mail"("messageId");

-- CreateIndex
CREATE INDEX "outbound_mail_status_nextAttemptAt_idx" ON "outbound_mail"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "outbound_mail_ticketNumber_id_idx" ON "outbound_mail"("ticketNumber", "id");

-- CreateIndex
CREATE INDEX "outbound_mail_toAddress_kind_createdAt_idx" ON "outbound_mail"("toAddress", "kind", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "inbound_mail_messageKey_key" ON "inbound_mail"("messageKey");

-- CreateIndex
CREATE UNIQUE INDEX "inbound_mail_uidKey_key" ON "inbound_mail"("uidKey");

-- CreateIndex
CREATE INDEX "inbound_mail_status_id_idx" ON "inbound_mail"("status", "id");

-- CreateIndex
CREATE INDEX "inbound_mail_ticketNumber_idx" ON "inbound_mail"("ticketNumber");
