import { expect, hydrated, test } from './helpers';

// SPEC B4: the suite runs against the optimized build `make run` serves.
// The browser gets compressed responses, decodes them, and hydrates.
test('the optimized build: hashed, precompressed bundle cached for good; compressed pages decoded by the browser', async ({ page }) => {
  const seen: { url: string; status: number; headers: Record<string, string> }[] = [];
  page.on('response', (res) => seen.push({ url: res.url(), status: res.status(), headers: res.headers() }));
  await page.goto('/signin');
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'Sign in to Parley' })).toBeVisible();

  const doc = seen.find((r) => new URL(r.url).pathname === '/signin');
  expect(doc, 'the page itself').toBeTruthy();
  expect(['br', 'gzip']).toContain(doc!.headers['content-encoding']);

  for (const ext of ['wasm', 'js', 'css']) {
    const file = seen.find((r) => new RegExp(`/pkg/parley\\.[A-Za-z0-9_-]+\\.${ext}$`).test(new URL(r.url).pathname));
    expect(file, `a hashed .${ext} file`).toBeTruthy();
    expect(file!.status).toBe(200);
    expect(['br', 'gzip'], `${file!.url} is served compressed`).toContain(file!.headers['content-encoding']);
    expect(file!.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  }

  // The sign-in screen is a code-split route: its chunk is fetched, hashed,
  // compressed and cached for good like the main bundle.
  const chunk = seen.find((r) => /^\/pkg\/split_[A-Za-z0-9_]*sign_in[A-Za-z0-9_]*\.[A-Za-z0-9_-]+\.wasm$/.test(new URL(r.url).pathname));
  expect(chunk, 'the sign-in route chunk').toBeTruthy();
  expect(chunk!.status).toBe(200);
  expect(['br', 'gzip']).toContain(chunk!.headers['content-encoding']);
  expect(chunk!.headers['cache-control']).toBe('public, max-age=31536000, immutable');
});
