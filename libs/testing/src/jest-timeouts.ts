// Per-tier test timeouts (jest's testTimeout is global-only, so each project sets its own here).
jest.setTimeout(Number(process.env.JEST_TIER_TIMEOUT_MS ?? 120_000));
