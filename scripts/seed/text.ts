/**
 * Realistic ticket text: a title and a description such as a person writes to a help desk (an
 * area, what is wrong with it, when it started, what they tried, what it blocks, their device and
 * office). Drawn from a seeded generator (rng, with pick and weighted, which scripts/seed/bulk.ts
 * draws the rest of a ticket with too), so that the same seed gives the same tickets.
 */

/** mulberry32: small, fast, good enough for demo data. */
export function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
export type Rand = () => number;
export const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
/** Picks by weight: [[value, weight], …]. */
export const weighted = <T>(r: Rand, xs: readonly (readonly [T, number])[]): T => {
  let total = 0;
  for (const [, w] of xs) total += w;
  let x = r() * total;
  for (const [v, w] of xs) if ((x -= w) < 0) return v;
  return xs[xs.length - 1][0];
};

type Kind = "network" | "document" | "printer" | "hardware" | "app" | "account";
const AREAS: readonly (readonly [string, Kind])[] = [
  ["VPN", "network"],
  ["Wi-Fi in meeting room B", "network"],
  ["Guest Wi-Fi", "network"],
  ["Remote desktop", "network"],
  ["Invoice PDF", "document"],
  ["Quarterly sales report", "document"],
  ["Payslip PDF", "document"],
  ["Expense report export", "document"],
  ["Credit note", "document"],
  ["Printer on floor 3", "printer"],
  ["Label printer in the warehouse", "printer"],
  ["Scanner-printer at reception", "printer"],
  ["Laptop docking station", "hardware"],
  ["External monitor", "hardware"],
  ["Headset", "hardware"],
  ["Badge reader at the side entrance", "hardware"],
  ["Conference room display", "hardware"],
  ["Outlook", "app"],
  ["Teams calls", "app"],
  ["CRM dashboard", "app"],
  ["Expense app", "app"],
  ["Payroll portal", "app"],
  ["Shared drive", "app"],
  ["Mobile app", "app"],
  ["Website checkout", "app"],
  ["Time tracking", "app"],
  ["SSO login", "account"],
  ["Password reset", "account"],
  ["MFA prompt", "account"],
];
const PROBLEMS: Record<Kind, readonly string[]> = {
  network: [
    "drops every {n} minutes",
    "drops every {n} minutes on Wi-Fi",
    "won't connect from home",
    "is very slow in the afternoons",
    "disconnects when the laptop wakes from sleep",
    "asks for a certificate on every connect",
  ],
  document: [
    "shows wrong VAT",
    "has the old company address",
    "is missing the last page",
    "rounds amounts wrongly",
    "shows garbled characters in customer names",
    "still shows last month's totals",
    "is blank when opened on a phone",
  ],
  printer: [
    "jams on double-sided prints",
    "prints blank pages",
    "is offline for everyone",
    "prints everything in greyscale",
    "is stuck with {n} jobs in the queue",
    "reports a paper jam but there is none",
  ],
  hardware: [
    "stopped working after the update",
    "is not detected",
    "flickers every few seconds",
    "needs replacing",
    "makes a clicking noise",
    "does not charge the laptop",
  ],
  app: [
    "keeps asking for my password",
    "returns error 500 when saving",
    "is very slow since Monday",
    "crashes on start",
    "shows another customer's data",
    "logs me out every {n} minutes",
    "cannot find records older than a year",
    "search returns nothing",
    "does not send notification emails",
  ],
  account: [
    "fails with \"invalid state\"",
    "link has expired before it arrives",
    "loops back to the sign-in page",
    "is not accepted on the new phone",
    "locks me out after one wrong attempt",
  ],
};
const SUFFIXES: readonly (readonly [string, number])[] = [
  ["", 70],
  [" since the last update", 4],
  [" for the whole team", 4],
  [" after my password change", 3],
  [" in the Berlin office", 3],
  [" on my new laptop", 3],
  [" (blocking month-end close)", 2],
  [" again", 4],
  [" for some customers only", 3],
  [" on macOS", 2],
  [" in Firefox", 2],
];
const WHEN = ["this morning", "yesterday afternoon", "Monday", "the update last week", "we moved desks", "the office move", "the start of the month"];
const FREQ = ["every time", "about once an hour", "a few times a day", "only in the mornings", "randomly", "whenever more than five of us are online"];
const TRIED = [
  "I have already restarted the laptop and signed out and in again, with no change.",
  "Clearing the browser cache did not help.",
  "A colleague at the next desk has the same problem, so it is probably not just me.",
  "It worked fine on the old laptop.",
  "I tried a different network (phone hotspot) and it behaves the same.",
  "Reinstalling did not help either.",
];
const IMPACT = [
  "This is blocking me from finishing the monthly report.",
  "A customer is waiting on this, so it would be great to get it sorted soon.",
  "Not urgent, but it is annoying and costs me some time every day.",
  "Three people in my team are affected.",
  "We have a client demo on Thursday, so this matters.",
  "I can work around it for now by using my phone.",
];
const DEVICES = ["ThinkPad T14 (Windows 11)", "MacBook Air M2", "Dell Latitude 7440", "iPhone 15", "Surface Pro 9", "HP EliteBook 840"];
const OFFICES = ["Berlin, 2nd floor", "London, Shoreditch", "Remote (home office)", "Lisbon", "Warsaw, building B", "Head office, floor 3"];
const ERRORS = ["Error 0x80070005", "HTTP 500 Internal Server Error", "\"Something went wrong, please try again\"", "Connection timed out (code 809)", "ERR_CERT_DATE_INVALID"];

/** One ticket's title and description, signed with the requester's first name. */
export function ticketText(r: Rand, requester: string) {
  const [area, kind] = pick(r, AREAS);
  const n = pick(r, [5, 10, 15, 20, 30]);
  const problem = pick(r, PROBLEMS[kind]).replace("{n}", String(n));
  const title = `${area} ${problem}${weighted(r, SUFFIXES)}`;
  const paras: string[] = [];
  paras.push(`Hi,\n\nSince ${pick(r, WHEN)}, the ${area.charAt(0).toLowerCase() + area.slice(1)} ${problem}. It happens ${pick(r, FREQ)}.`);
  if (r() < 0.6) paras.push(`${pick(r, TRIED)} ${r() < 0.5 ? pick(r, TRIED) : ""}`.trim());
  if (r() < 0.45) {
    paras.push(
      `Steps to reproduce:\n1. Open ${area}.\n2. ${pick(r, ["Sign in with my usual account", "Pick any customer from the list", "Wait a few minutes", "Press Save"])}.\n3. See the problem (${pick(r, ERRORS)}).`,
    );
  }
  paras.push(pick(r, IMPACT));
  paras.push(`Device: ${pick(r, DEVICES)}\nLocation: ${pick(r, OFFICES)}`);
  paras.push(`Thanks,\n${requester.split(" ")[0]}`);
  return { title, description: paras.join("\n\n") };
}
