import { BASE_URL } from "./env";
import { expect, test, unique } from "./fixtures";

/**
 * Abuse of features that work as designed (issue 20), sent as an attacker would send it: raw
 * requests, no browser needed, so each runs once (the JavaScript projects share the server).
 */
test.describe("requests an attacker sends", () => {
  test.skip(({ javaScriptEnabled }) => !javaScriptEnabled, "raw requests: one project is enough");

  test("a signed-out form refuses a large body with a 413 page, and the server keeps answering", async ({ request }) => {
    const body = `email=a%40example.test&password=${"x".repeat(1024 * 1024)}`;
    for (const path of ["/sign-in", "/sign-up"]) {
      const r = await request.post(path, { data: body, headers: { "content-type": "application/x-www-form-urlencoded" }, maxRedirects: 0 });
      expect(r.status(), path).toBe(413);
      expect(await r.text()).toContain("That was too large to accept");
    }
    expect((await request.get("/sign-in")).status()).toBe(200);
  });

  test("the export's sign-in redirect stays on the site the person used, whatever host the server listens on", async ({ playwright }) => {
    // A session cookie that is no session (expired, revoked or made up): the export route itself
    // sends the person to sign in.
    const api = await playwright.request.newContext({ baseURL: BASE_URL, extraHTTPHeaders: { cookie: "triage.session_token=expired.c2lnbmF0dXJl" } });
    const r = await api.get(`/tickets/export?q=${unique("x")}`, { maxRedirects: 0 });
    expect(r.status()).toBe(303);
    const location = r.headers()["location"];
    expect(location).toMatch(/^\/sign-in\?next=%2Ftickets%3Fq%3Dx/);
    expect(location).not.toContain("localhost");
    await api.dispose();
  });

  test("a requester's search of a word in others' tickets finds nothing of theirs", async ({ as, tickets }) => {
    const word = unique("w");
    const agent = await as("agent");
    for (let i = 0; i < 3; i++) await tickets.create(agent, { title: `${word} on the agent's ticket ${i}` });
    const requester = await as("requester");
    await requester.goto(`/tickets?q=${word}`);
    await expect(requester.getByText(/0 tickets|No tickets/).first()).toBeVisible();
    await expect(requester.getByRole("link", { name: new RegExp(word) })).toHaveCount(0);
  });
});
