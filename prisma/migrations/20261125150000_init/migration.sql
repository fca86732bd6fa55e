-- CreateTable
CREATE TABLE "user" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "emailVerified" BOOLEAN NOT NULL DEFAULT false,
    "image" TEXT,
    "role" TEXT NOT NULL DEFAULT 'requester',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "session" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "expiresAt" DATETIME NOT NULL,
    "token" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "ipAddress" TEXT,
    "userAgent" TEXT,
    "userId" TEXT NOT NULL,
    CONSTRAINT "session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "user" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "account" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "accountId" TEXT NOT NULL,
    "providerId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "accessToken" TEXT,
    "refreshToken" TEXT,
    "idToken" TEXT,
    "accessTokenExpiresAt" DATETIME,
    "refreshTokenExpiresAt" DATETIME,
    "scope" TEXT,
    "password" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "account_userId_fkey" FOREIGN KEY ("userId") REFERENCES "user" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "verification" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "identifier" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "sign_in_throttle" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "failures" INTEGER NOT NULL,
    "windowStart" DATETIME NOT NULL,
    "lockedUntil" DATETIME
);

-- CreateTable
CREATE TABLE "ticket" (
    "number" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "priority" INTEGER NOT NULL DEFAULT 2,
    "status" INTEGER NOT NULL DEFAULT 1,
    "requesterId" TEXT NOT NULL,
    "assigneeId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolvedAt" DATETIME,
    "version" INTEGER NOT NULL DEFAULT 1,
    CONSTRAINT "ticket_requesterId_fkey" FOREIGN KEY ("requesterId") REFERENCES "user" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "ticket_assigneeId_fkey" FOREIGN KEY ("assigneeId") REFERENCES "user" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "activity" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "ticketNumber" INTEGER NOT NULL,
    "actorId" TEXT NOT NULL,
    "field" TEXT NOT NULL,
    "fromValue" TEXT,
    "toValue" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "activity_ticketNumber_fkey" FOREIGN KEY ("ticketNumber") REFERENCES "ticket" ("number") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "activity_actorId_fkey" FOREIGN KEY ("actorId") REFERENCES "user" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ticket_tally" (
    "status" INTEGER NOT NULL,
    "priority" INTEGER NOT NULL,
    "requesterId" TEXT NOT NULL,
    "assigneeId" TEXT NOT NULL,
    "n" INTEGER NOT NULL,

    PRIMARY KEY ("status", "priority", "requesterId", "assigneeId")
);

-- CreateIndex
CREATE UNIQUE INDEX "user_email_key" ON "user"("email");

-- CreateIndex
CREATE INDEX "user_role_name_idx" ON "user"("role", "name");

-- CreateIndex
CREATE UNIQUE INDEX "session_token_key" ON "session"("token");

-- CreateIndex
CREATE INDEX "session_userId_idx" ON "session"("userId");

-- CreateIndex
CREATE INDEX "account_userId_idx" ON "account"("userId");

-- CreateIndex
CREATE INDEX "verification_identifier_idx" ON "verification"("identifier");

-- CreateIndex
CREATE INDEX "ticket_updatedAt_number_idx" ON "ticket"("updatedAt", "number");

-- CreateIndex
CREATE INDEX "ticket_createdAt_number_idx" ON "ticket"("createdAt", "number");

-- CreateIndex
CREATE INDEX "ticket_status_updatedAt_number_idx" ON "ticket"("status", "updatedAt", "number");

-- CreateIndex
CREATE INDEX "ticket_priority_updatedAt_number_idx" ON "ticket"("priority", "updatedAt", "number");

-- CreateIndex
CREATE INDEX "ticket_assigneeId_updatedAt_number_idx" ON "ticket"("assigneeId", "updatedAt", "number");

-- CreateIndex
CREATE INDEX "ticket_requesterId_updatedAt_number_idx" ON "ticket"("requesterId", "updatedAt", "number");

-- CreateIndex
CREATE INDEX "activity_ticketNumber_id_idx" ON "activity"("ticketNumber", "id");

-- Raw SQL that the Prisma schema cannot express ------------------------------------------------

-- ticket_tally: ticket counts by (status, priority, requester, assignee), kept in step by
-- triggers, so that the list's "of N tickets" and the quick views' counts sum a few rows instead
-- of counting the table. An unassigned ticket counts under assigneeId ''.
CREATE TRIGGER "ticket_tally_insert" AFTER INSERT ON "ticket" BEGIN
  INSERT INTO "ticket_tally" ("status", "priority", "requesterId", "assigneeId", "n")
  VALUES (NEW."status", NEW."priority", NEW."requesterId", COALESCE(NEW."assigneeId", ''), 1)
  ON CONFLICT ("status", "priority", "requesterId", "assigneeId") DO UPDATE SET "n" = "n" + 1;
END;

CREATE TRIGGER "ticket_tally_delete" AFTER DELETE ON "ticket" BEGIN
  UPDATE "ticket_tally" SET "n" = "n" - 1
  WHERE "status" = OLD."status" AND "priority" = OLD."priority"
    AND "requesterId" = OLD."requesterId" AND "assigneeId" = COALESCE(OLD."assigneeId", '');
END;

CREATE TRIGGER "ticket_tally_update" AFTER UPDATE OF "status", "priority", "requesterId", "assigneeId" ON "ticket"
WHEN OLD."status" IS NOT NEW."status" OR OLD."priority" IS NOT NEW."priority"
  OR OLD."requesterId" IS NOT NEW."requesterId" OR OLD."assigneeId" IS NOT NEW."assigneeId"
BEGIN
  UPDATE "ticket_tally" SET "n" = "n" - 1
  WHERE "status" = OLD."status" AND "priority" = OLD."priority"
    AND "requesterId" = OLD."requesterId" AND "assigneeId" = COALESCE(OLD."assigneeId", '');
  INSERT INTO "ticket_tally" ("status", "priority", "requesterId", "assigneeId", "n")
  VALUES (NEW."status", NEW."priority", NEW."requesterId", COALESCE(NEW."assigneeId", ''), 1)
  ON CONFLICT ("status", "priority", "requesterId", "assigneeId") DO UPDATE SET "n" = "n" + 1;
END;

-- search_index: full-text search over everything a ticket says. One row per document: a ticket's
-- title and description under rowid = ticket number; comments will join as rows of their own
-- (rowid = -comment id) with their text in "body". Contentless: the text already lives in the
-- ticket table, so the index stores only the index.
CREATE VIRTUAL TABLE "search_index" USING fts5(
  "title", "body",
  content = '', contentless_delete = 1,
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '2 3'
);

CREATE TRIGGER "ticket_search_insert" AFTER INSERT ON "ticket" BEGIN
  INSERT INTO "search_index" ("rowid", "title", "body") VALUES (NEW."number", NEW."title", NEW."description");
END;

CREATE TRIGGER "ticket_search_update" AFTER UPDATE OF "title", "description" ON "ticket" BEGIN
  DELETE FROM "search_index" WHERE "rowid" = OLD."number";
  INSERT INTO "search_index" ("rowid", "title", "body") VALUES (NEW."number", NEW."title", NEW."description");
END;

CREATE TRIGGER "ticket_search_delete" AFTER DELETE ON "ticket" BEGIN
  DELETE FROM "search_index" WHERE "rowid" = OLD."number";
END;
