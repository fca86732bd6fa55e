/** @type {import('next').NextConfig} */
const allowedOrigins = (process.env.TRIAGE_ALLOWED_ORIGINS ?? "")
  .split(",")
  .map((s) => s.trim())
  .filter(Boolean);

const nextConfig = {
  poweredByHeader: false,
  // The same id on every machine that builds this commit (server/build-identity.ts sets it for
  // `npm start`); without it, Next.js draws one at random.
  generateBuildId: async () => process.env.TRIAGE_BUILD_ID || null,
  // Separate builds can live side by side (tests, benchmarks): NEXT_DIST_DIR=.next-bench.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // The benchmark's floor (app/(bench)/bench-floor/page.bench.tsx) is a page only in the build the
  // benchmark makes (scripts/bench/build.ts sets TRIAGE_BENCH_FLOOR=1); the product has no such route.
  pageExtensions: ["tsx", "ts", "jsx", "js", ...(process.env.TRIAGE_BENCH_FLOOR === "1" ? ["bench.tsx"] : [])],
  // Native module and mail libraries: loaded by Node at run time, never bundled.
  // better-auth too: bundled, it is one copy per runtime (pages and actions, route handlers), each
  // with its own APIError class, and an error thrown by one copy is not recognised by the other.
  serverExternalPackages: ["better-sqlite3", "@prisma/adapter-better-sqlite3", "pg", "@prisma/adapter-pg", "nodemailer", "imapflow", "postal-mime", "email-reply-parser", "better-auth"],
  experimental: {
    serverActions: {
      // Far above any valid form (a 20,000-character description is at most 80 kB), so that an
      // oversized field is answered by validation next to the field; beyond it, the front door
      // (server/post-guard.mjs) answers 413 with an explanation.
      bodySizeLimit: "4mb",
      // Server actions only accept posts whose Origin matches the Host. Behind a proxy that
      // rewrites Host, list the public origin(s) here (TRIAGE_ALLOWED_ORIGINS=help.example.com).
      ...(allowedOrigins.length ? { allowedOrigins } : {}),
    },
  },
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
          { key: "X-Frame-Options", value: "DENY" },
        ],
      },
    ];
  },
};

export default nextConfig;
