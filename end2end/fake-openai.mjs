// A small OpenAI-compatible server for the browser tests: GET /v1/models
// and streaming POST /v1/chat/completions (server-sent events).
//   mock-gpt     streams "Hello from the mock model." and finishes
//   mock-broken  streams a little, then sends an error event
import http from 'node:http';

const port = Number(process.env.PARLEY_E2E_OPENAI_PORT ?? 3108);
const chunk = (text) => `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: text }, finish_reason: null }] })}\n\n`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

http
  .createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/v1/models') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [{ id: 'mock-gpt' }, { id: 'mock-broken' }] }));
      return;
    }
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      res.writeHead(404).end();
      return;
    }
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', async () => {
      const model = JSON.parse(body || '{}').model;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const words = model === 'mock-broken' ? ['Thinking ', 'about ', 'it'] : ['Hello ', 'from ', 'the ', 'mock ', 'model.'];
      for (const w of words) {
        res.write(chunk(w));
        // mock-broken takes seconds, so a test can walk away mid-reply.
        await sleep(model === 'mock-broken' ? 1000 : 150);
      }
      if (model === 'mock-broken') {
        res.end(`data: ${JSON.stringify({ error: { message: 'The mock model is overloaded', type: 'server_error' } })}\n\n`);
      } else {
        res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`);
        res.end('data: [DONE]\n\n');
      }
    });
  })
  .listen(port, '127.0.0.1');
