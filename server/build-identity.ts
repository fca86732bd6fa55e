/**
 * What makes processes of one desk, each built on its own machine from the same commit, serve one
 * another's pages (issue 23). Next.js names each server action by a hash salted with a key drawn
 * at every build, and each build's files by a build id drawn at random: a form from one process
 * posted through a load balancer to another got 409 "Server Action unavailable", and its script
 * files 404. So `npm start` builds with a key derived from the desk's secret (which every process
 * of a desk shares, or sessions would not) and with the commit as the build id.
 */
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";

export type BuildIdentity = {
  /** NEXT_SERVER_ACTIONS_ENCRYPTION_KEY: 32 bytes, base64 (an AES-256 key, as Next.js requires). */
  actionsKey: string;
  /** The build id (TRIAGE_BUILD_ID, read by next.config.mjs), or null where there is no commit to name it by. */
  buildId: string | null;
  /** Changes whenever either does: a build made with another is rebuilt. */
  stamp: string;
};

function git(root: string, args: string[]): string | null {
  try {
    return execFileSync("git", args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], maxBuffer: 64 * 1024 * 1024 });
  } catch {
    return null;
  }
}

/** The commit checked out, and when the tree differs from it, a hash of the difference too. */
function commitOf(root: string): string | null {
  const head = git(root, ["rev-parse", "HEAD"])?.trim();
  if (!head || !/^[0-9a-f]{40}$/.test(head)) return null;
  const diff = git(root, ["diff", "HEAD"]) ?? "";
  return diff ? `${head.slice(0, 20)}-${crypto.createHash("sha256").update(diff).digest("hex").slice(0, 12)}` : head.slice(0, 20);
}

export function buildIdentity(secret: string, root: string, given: Record<string, string | undefined> = process.env): BuildIdentity {
  const actionsKey =
    given.NEXT_SERVER_ACTIONS_ENCRYPTION_KEY || crypto.createHmac("sha256", secret).update("triage: server actions").digest("base64");
  const buildId = given.TRIAGE_BUILD_ID || commitOf(root);
  const stamp = crypto.createHash("sha256").update(`${actionsKey}\n${buildId ?? ""}`).digest("hex").slice(0, 16);
  return { actionsKey, buildId, stamp };
}
