import { IncomingWebhook } from '@slack/webhook';
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { Webhook, MessageBuilder } = require('discord-webhook-node');
import { ADMIN, asPhone, expect, hydrated, shots, signedIn, test } from './helpers';

// SPEC C6/C7: Slack's own SDK and a Discord client, unchanged, pointed at a
// Parley channel webhook. Every call succeeds and the message shows live.
test('real Slack and Discord clients post into a channel; a message is edited and deleted through the URL', async ({ browser, request }) => {
  await request.post('/api/v1/auths/signup', { data: ADMIN });
  const signin = await request.post('/api/v1/auths/signin', { data: { email: ADMIN.email, password: ADMIN.password } });
  const bearer = { Authorization: `Bearer ${(await signin.json()).token}` };
  const channel = await (await request.post('/api/v1/channels/create', { data: { name: 'alerts' }, headers: bearer })).json();
  const hook = await (await request.post(`/api/v1/channels/${channel.id}/webhooks/create`, { data: { name: 'Monitor' }, headers: bearer })).json();

  const admin = await signedIn(browser, ADMIN.email, ADMIN.password);
  await admin.goto(`/channels/${channel.id}`);
  await hydrated(admin);
  await expect(admin.getByTestId('live')).toHaveClass(/is-live/);

  // Slack's SDK, on the /slack route that answers Slack's plain "ok".
  const slack = new IncomingWebhook(`${hook.url}/slack`);
  const sent = await slack.send({
    text: 'Deploy *finished* :tada:',
    username: 'Jenkins',
    attachments: [
      {
        color: '#36a64f',
        title: 'Build 42',
        title_link: 'https://ci.example/42',
        text: 'All checks green',
        fields: [{ title: 'Branch', value: 'main', short: true }],
      },
    ],
  });
  expect(sent.text).toBe('ok');
  const slackMessage = admin.getByTestId('message').filter({ hasText: 'Deploy' });
  await expect(slackMessage).toBeVisible();
  await expect(slackMessage.locator('.message-author')).toHaveText('Jenkins');
  await expect(slackMessage.locator('strong').first()).toHaveText('finished');
  await expect(slackMessage).toContainText('🎉');
  await expect(slackMessage.getByRole('link', { name: 'Build 42' })).toHaveAttribute('href', 'https://ci.example/42');
  await expect(slackMessage).toContainText('Branch');

  // A Slack-speaking tool that only checks the status, on the plain URL.
  const blocks = await slack.send({
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: 'Disk almost full' } },
      { type: 'section', text: { type: 'mrkdwn', text: '*db-1* is at 93 %' } },
    ],
  });
  expect(blocks.text).toBe('ok');
  await expect(admin.getByTestId('message').filter({ hasText: 'Disk almost full' })).toBeVisible();

  // A Discord client sending an embed, on the /discord route that answers
  // 204 as Discord does (this client accepts nothing else).
  const discord = new Webhook(`${hook.url}/discord`);
  discord.setUsername('Grafana');
  await discord.send(
    new MessageBuilder()
      .setTitle('CPU high')
      .setURL('https://grafana.example/d/1')
      .setDescription('db-1 above 90 % for 5 minutes')
      .addField('Host', 'db-1', true)
      .setColor('#ff0000'),
  );
  const discordMessage = admin.getByTestId('message').filter({ hasText: 'CPU high' });
  await expect(discordMessage).toBeVisible();
  await expect(discordMessage.locator('.message-author')).toHaveText('Grafana');
  await expect(discordMessage).toContainText('db-1 above 90 %');
  await admin.screenshot({ path: `${shots}/23-slack-and-discord-senders.png`, fullPage: true });
  // SPEC C8: a CI tool turns "building…" into "passed", then removes it.
  const building = await request.post(hook.url, { data: { content: 'Build 43: building…' } });
  const buildId = (await building.json()).message_id as string;
  const buildMessage = admin.getByTestId('message').filter({ hasText: 'Build 43' });
  await expect(buildMessage).toContainText('building…');
  const patched = await request.patch(`${hook.url}/messages/${buildId}`, { data: { content: 'Build 43: **passed**' } });
  expect(patched.status()).toBe(200);
  await expect(buildMessage.locator('strong')).toHaveText('passed');
  await expect(buildMessage.getByTestId('edited')).toBeVisible();
  await admin.screenshot({ path: `${shots}/25-edited-message.png`, fullPage: true });
  const removed = await request.delete(`${hook.url}/messages/${buildId}`);
  expect(removed.status()).toBe(204);
  await expect(admin.getByTestId('message').filter({ hasText: 'Build 43' })).toHaveCount(0);

  await asPhone(admin);
  await admin.screenshot({ path: `${shots}/24-senders-phone.png`, fullPage: true });
  await admin.context().close();
});
