import { describe, expect, it } from "vitest";
import { auditHref, parseAuditQuery } from "./params";

describe("the audit log's URL", () => {
  it("reads an action, a person and a place in the log", () => {
    expect(parseAuditQuery({ action: "deactivated", person: "6f1c2b9e-2d4a-4c8e-9f00-0123456789ab", before: "120" })).toEqual({
      action: "deactivated",
      actorId: "6f1c2b9e-2d4a-4c8e-9f00-0123456789ab",
      before: 120,
      after: undefined,
    });
    expect(parseAuditQuery({ after: "7" })).toEqual({ action: undefined, actorId: undefined, before: undefined, after: 7 });
  });

  it("leaves out what it cannot read", () => {
    const f = parseAuditQuery({ action: "toString", person: "x'; DROP", before: "1e3", after: "-1" });
    expect(f).toEqual({ action: undefined, actorId: undefined, before: undefined, after: undefined });
    expect(parseAuditQuery({ action: "__proto__" }).action).toBeUndefined();
    expect(parseAuditQuery({ before: "99999999999" }).before).toBeUndefined();
  });

  it("writes links that read back the same", () => {
    const f = { action: "invited" as const, actorId: "abc", before: 9 };
    expect(auditHref(f)).toBe("/admin/audit?action=invited&person=abc&before=9");
    expect(auditHref({})).toBe("/admin/audit");
  });
});
