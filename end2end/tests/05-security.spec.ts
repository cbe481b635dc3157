import { Request } from '@playwright/test';
import { ADMIN, expect, fromParley, hydrated, shots, signedIn, test } from './helpers';

const MEMBER = { name: 'Sam Secure', email: 'sam@example.com', password: 'correct horse battery' };

// Issue 9, finding 3: a webhook post that names Parley's sign-out route as
// an image, a tracking pixel and an outside avatar leaves the viewer signed
// in, and the viewer's browser requests nothing outside Parley.
test('sender images: nothing outside Parley is fetched, the viewer stays signed in', async ({ browser, request, baseURL }) => {
  await request.post('/api/v1/auths/signup', { data: ADMIN });
  const signin = await request.post('/api/v1/auths/signin', { data: { email: ADMIN.email, password: ADMIN.password } });
  expect(signin.status()).toBe(200);
  const token = (await signin.json()).token as string;
  const bearer = { Authorization: `Bearer ${token}` };

  const admin = await signedIn(browser, ADMIN.email, ADMIN.password);
  const added = await admin.request.post('/api/fn/admin_add_user', {
    form: { ...MEMBER, role: 'user' },
    headers: fromParley(admin),
  });
  expect([200, 409]).toContain(added.status());
  const channel = await (await request.post('/api/v1/channels/create', { data: { name: 'security-check' }, headers: bearer })).json();
  const member = await admin.request.post('/api/fn/set_channel_member', {
    form: { channel_id: channel.id, email: MEMBER.email, role: 'member' },
    headers: fromParley(admin),
  });
  expect(member.status()).toBe(200);
  const hook = await (await request.post(`/api/v1/channels/${channel.id}/webhooks/create`, { data: { name: 'Pixel' }, headers: bearer })).json();

  const viewer = await signedIn(browser, MEMBER.email, MEMBER.password);
  const requested: string[] = [];
  viewer.on('request', (r: Request) => requested.push(r.url()));
  await viewer.goto(`/channels/${channel.id}`);
  await hydrated(viewer);
  await expect(viewer.getByTestId('live')).toHaveClass(/is-live/);

  const post = await request.post(hook.url, {
    data: {
      content: 'Build done ![](/api/v1/auths/signout) ![pixel](https://tracker.example/p.gif)',
      username: 'Pixel Bot',
      avatar_url: 'https://tracker.example/avatar.png',
    },
  });
  expect(post.status()).toBe(200);
  const message = viewer.getByTestId('message').filter({ hasText: 'Build done' });
  await expect(message).toBeVisible();
  await expect(message.locator('img')).toHaveCount(0);
  // The outside image is offered as a link, not loaded.
  await expect(message.locator('a[href="https://tracker.example/p.gif"]')).toBeVisible();

  // Reloading renders the message from the server: still signed in.
  await viewer.reload();
  await hydrated(viewer);
  await expect(viewer.getByRole('heading', { name: '# security-check' })).toBeVisible();
  await expect(viewer.getByTestId('message').filter({ hasText: 'Build done' })).toBeVisible();
  const me = await viewer.request.get('/api/v1/auths/');
  expect(me.status()).toBe(200);
  await viewer.screenshot({ path: `${shots}/22-sender-images-as-links.png`, fullPage: true });

  const origin = new URL(baseURL!).origin;
  const socket = origin.replace(/^http/, 'ws');
  const outside = requested.filter((u) => !u.startsWith(origin) && !u.startsWith(socket) && !u.startsWith('data:'));
  expect(outside).toEqual([]);
  expect(requested.filter((u) => u.includes('/auths/signout'))).toEqual([]);

  await admin.context().close();
  await viewer.context().close();
});
