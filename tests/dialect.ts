/** Which database this test run puts the application on (tests/setup.ts). */
export const onPostgres = process.env.TRIAGE_TEST_DATABASE === "postgres";
