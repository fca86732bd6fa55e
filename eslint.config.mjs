import nextCoreWebVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

/** Prisma's client is Better Auth's (and the tests' and tools'): lib/db/index.ts. */
const noModels = ["../db", "../../db", "./db", "@/lib/db"].map((name) => ({
  name,
  importNames: ["models"],
  message: "Read with `read` and write with `write(tx => …)`; Prisma's client is Better Auth's.",
}));
const noPrivateNext = { group: ["next/dist/*"], message: "Private Next.js paths break on upgrade: use the public API." };

const config = [
  { ignores: ["lib/generated/**", ".next/**", ".next-*/**", ".tmp/**", "node_modules/**", "next-env.d.ts", "playwright-report/**", "test-results*/**", "e2e/.auth/**"] },
  ...nextCoreWebVitals,
  ...nextTypescript,
  // Playwright fixtures call their argument `use`; it is not React's hook.
  { files: ["e2e/**"], rules: { "react-hooks/rules-of-hooks": "off" } },
  // One way to read and one way to write (lib/db/index.ts): Prisma's client is Better Auth's, and
  // the tests' and tools'. The product reads with `read` and writes with `write(tx => …)`.
  {
    files: ["lib/**/*.ts", "app/**/*.ts", "app/**/*.tsx", "proxy.ts", "instrumentation.ts"],
    ignores: ["lib/**/*.test.ts", "lib/auth/auth.ts"],
    rules: {
      "no-restricted-imports": ["error", {
        paths: noModels,
        patterns: [noPrivateNext],
      }],
    },
  },
  // The domain never reaches up to what reacts to it (lib/reactions.ts): tickets know nothing of mail.
  {
    files: ["lib/tickets/**/*.ts", "lib/people/**/*.ts", "lib/auth/**/*.ts", "lib/db/**/*.ts"],
    ignores: ["**/*.test.ts", "lib/auth/auth.ts"],
    rules: {
      "no-restricted-imports": ["error", {
        paths: noModels,
        patterns: [noPrivateNext, { group: ["../mail/*", "@/lib/mail/*"], message: "Emit an event (lib/reactions.ts); mail reacts to it." }],
      }],
    },
  },
];

export default config;
