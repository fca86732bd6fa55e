import { describe, expect, it } from "vitest";
import { getAuth } from "@/lib/auth/auth";
import { models as db } from "@/lib/db";

describe("the first account", () => {
  it("becomes admin exactly once, even when several people sign up at the same moment", async () => {
    expect(await db.user.count()).toBe(0);
    const auth = getAuth(false);
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) =>
        auth.api.signUpEmail({ body: { name: `Person ${i}`, email: `p${i}@example.com`, password: "correct horse battery" } }),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(6);
    const roles = (await db.user.findMany({ select: { role: true } })).map((u) => u.role).sort();
    expect(roles).toEqual(["admin", "requester", "requester", "requester", "requester", "requester"]);
    // A later sign-up is a requester.
    await auth.api.signUpEmail({ body: { name: "Late", email: "late@example.com", password: "correct horse battery" } });
    expect((await db.user.findFirstOrThrow({ where: { email: "late@example.com" } })).role).toBe("requester");
  });
});
