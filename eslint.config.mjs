import nextCoreWebVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

const config = [
  { ignores: ["lib/generated/**", ".next/**", ".next-*/**", ".tmp/**", "node_modules/**", "next-env.d.ts", "playwright-report/**", "test-results*/**", "e2e/.auth/**"] },
  ...nextCoreWebVitals,
  ...nextTypescript,
  // Playwright fixtures call their argument `use`; it is not React's hook.
  { files: ["e2e/**"], rules: { "react-hooks/rules-of-hooks": "off" } },
];

export default config;
