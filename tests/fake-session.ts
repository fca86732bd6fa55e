import type { Actor } from "@/lib/people/identity";

/**
 * A signed-in person for tests that call server actions: the action's own session check
 * (lib/action.ts through lib/auth/session.ts) reads `session.actor`, which a test sets before
 * each call (null: nobody, and requireActor redirects to sign-in as the real one does).
 *
 *   vi.mock("@/lib/auth/session", async () => (await import("../fake-session")).fakeSessionModule());
 *   import { session } from "../fake-session";
 */
export const session: { actor: Actor | null } = { actor: null };

export function fakeSessionModule() {
  return {
    requireActor: async (): Promise<Actor> => {
      if (!session.actor) throw new Error("NEXT_REDIRECT /sign-in");
      return session.actor;
    },
    getActor: async () => session.actor,
    requestAuth: async () => {
      throw new Error("not used here");
    },
  };
}
