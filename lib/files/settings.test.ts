import { describe, expect, it } from "vitest";
import { parseEnv } from "../env";

/** The file store's two settings (lib/env.ts). */
describe("TRIAGE_FILES_DIR and TRIAGE_ATTACHMENT_MAX_MB", () => {
  it("default to no folder and 25 MB", () => {
    const env = parseEnv({});
    expect(env.TRIAGE_FILES_DIR).toBeUndefined();
    expect(env.TRIAGE_ATTACHMENT_MAX_MB).toBe(25);
    expect(env.attachmentMaxBytes).toBe(25 * 1024 * 1024);
  });

  it("take an absolute folder and a whole number of MB from 1 to 1024", () => {
    const env = parseEnv({ TRIAGE_FILES_DIR: " /srv/triage/files ", TRIAGE_ATTACHMENT_MAX_MB: "1024" });
    expect(env.TRIAGE_FILES_DIR).toBe("/srv/triage/files");
    expect(env.attachmentMaxBytes).toBe(1024 * 1024 * 1024);
    expect(parseEnv({ TRIAGE_ATTACHMENT_MAX_MB: "1", TRIAGE_FILES_DIR: "" }).attachmentMaxBytes).toBe(1024 * 1024);
  });

  it("refuse anything else, naming the variable", () => {
    for (const bad of ["files", "./data/files", "~/files"]) {
      expect(() => parseEnv({ TRIAGE_FILES_DIR: bad })).toThrow(/TRIAGE_FILES_DIR: must be an absolute path/);
    }
    for (const bad of ["0", "1025", "2.5", "-1", "lots"]) {
      expect(() => parseEnv({ TRIAGE_ATTACHMENT_MAX_MB: bad })).toThrow(/TRIAGE_ATTACHMENT_MAX_MB/);
    }
  });
});
