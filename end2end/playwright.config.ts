import { defineConfig } from '@playwright/test';
import * as os from 'os';
import * as path from 'path';
import * as fs from 'fs';

// Each run gets its own database, so tests start from an empty instance
// ("the first sign-up becomes admin").
const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-e2e-'));
const port = process.env.PARLEY_E2E_PORT ?? '3107';
const openaiPort = process.env.PARLEY_E2E_OPENAI_PORT ?? '3108';
export const baseURL = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
  webServer: [
    {
      // A local OpenAI-compatible endpoint, so the chat's model list and
      // model errors are exercised through the real client.
      command: 'node fake-openai.mjs',
      url: `http://127.0.0.1:${openaiPort}/v1/models`,
      timeout: 10_000,
      reuseExistingServer: false,
      env: { PARLEY_E2E_OPENAI_PORT: openaiPort },
    },
    {
    // The optimized build `make run` serves (hashed, precompressed files).
    command: process.env.PARLEY_E2E_BIN ?? './target/release/parley',
    cwd: '..',
    url: `${baseURL}/signin`,
    timeout: 60_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      DATABASE_URL: `sqlite://${runDir}/parley.db`,
      PARLEY_ADDR: `127.0.0.1:${port}`,
      LEPTOS_SITE_ROOT: process.env.PARLEY_E2E_SITE ?? 'target/site-release',
      RUST_LOG: 'info,sqlx=warn',
      // Chat replies take seconds, so tests can walk away mid-reply.
      PARLEY_ECHO_DELAY_MS: '300',
      // The user-webhook receiver of the tests listens on loopback.
      WEBHOOK_ALLOWED_HOSTS: 'loopback',
      OPENAI_API_BASE_URL: `http://127.0.0.1:${openaiPort}/v1`,
    },
    },
  ],
});
