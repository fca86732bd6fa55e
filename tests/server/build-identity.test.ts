import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildIdentity } from "../../server/build-identity";

/** What separately built processes of one desk agree on (server/build-identity.ts; e2e/pair builds twice). */
const SECRET = "a-desk-secret-a-desk-secret-a-desk-secret";

describe("a build's identity", () => {
  it("derives the server actions' key from the desk's secret: the same on every machine, an AES-256 key, another for another desk", () => {
    const a = buildIdentity(SECRET, process.cwd(), {});
    expect(buildIdentity(SECRET, process.cwd(), {}).actionsKey).toBe(a.actionsKey);
    expect(Buffer.from(a.actionsKey, "base64")).toHaveLength(32);
    expect(buildIdentity(`${SECRET}!`, process.cwd(), {}).actionsKey).not.toBe(a.actionsKey);
    expect(a.actionsKey).not.toContain(SECRET);
  });

  it("names the build by the commit checked out, and by what differs from it when the tree does", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "triage-build-id-"));
    const git = (...args: string[]) => execFileSync("git", ["-c", "user.email=t@example.test", "-c", "user.name=T", ...args], { cwd: dir, encoding: "utf8" }).trim();
    try {
      git("init", "-q");
      fs.writeFileSync(path.join(dir, "a.txt"), "one\n");
      git("add", "a.txt");
      git("commit", "-qm", "one");
      const head = git("rev-parse", "HEAD");
      const clean = buildIdentity(SECRET, dir, {});
      expect(clean.buildId).toBe(head.slice(0, 20));
      fs.writeFileSync(path.join(dir, "a.txt"), "two\n");
      const dirty = buildIdentity(SECRET, dir, {});
      expect(dirty.buildId).toMatch(new RegExp(`^${head.slice(0, 20)}-[0-9a-f]{12}$`));
      expect(dirty.stamp).not.toBe(clean.stamp);
      expect(buildIdentity(SECRET, dir, {}).buildId).toBe(dirty.buildId);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("takes what the environment sets instead, and has no build id outside git", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "triage-build-id-"));
    try {
      expect(buildIdentity(SECRET, dir, {}).buildId).toBeNull();
      const given = buildIdentity(SECRET, dir, { TRIAGE_BUILD_ID: "release-7", NEXT_SERVER_ACTIONS_ENCRYPTION_KEY: "k".repeat(44) });
      expect(given).toMatchObject({ buildId: "release-7", actionsKey: "k".repeat(44) });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
