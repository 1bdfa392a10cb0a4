// Calls a LocalBridge tunnel with the official ollama and OpenAI JavaScript clients, the way an app or a container
// would: the tunnel's base address as the client's host and an access key (or a user token) as its credential.
// Usage: node official-clients.mjs <tunnel base, e.g. http://127.0.0.1:8080/api/tunnel/alice> <credential>
// Prints one JSON line per call: {"client","call","ok",...}; exits 0 when every call succeeded, 1 otherwise.
import { Ollama } from 'ollama';
import OpenAI from 'openai';

const [base, credential] = process.argv.slice(2);
if (!base || !credential) {
  console.error('usage: node official-clients.mjs <tunnel base URL> <credential>');
  process.exit(2);
}

let failed = false;
function report(client, call, outcome) {
  console.log(JSON.stringify({ client, call, ...outcome }));
  if (!outcome.ok) failed = true;
}

async function check(client, call, run) {
  try {
    report(client, call, { ok: true, ...(await run()) });
  } catch (error) {
    report(client, call, { ok: false, status: error.status ?? error.status_code ?? null, error: String(error.message ?? error) });
  }
}

const ollama = new Ollama({ host: base, headers: { Authorization: `Bearer ${credential}` } });
await check('ollama', 'list', async () => {
  const answer = await ollama.list();
  return { models: answer.models.map((m) => m.name) };
});
await check('ollama', 'chat-stream', async () => {
  const stream = await ollama.chat({ model: 'llama3:8b', messages: [{ role: 'user', content: 'hi' }], stream: true });
  let chunks = 0;
  let text = '';
  let done = false;
  for await (const part of stream) {
    chunks++;
    text += part.message?.content ?? '';
    done = done || part.done === true;
  }
  return { chunks, text, done };
});

const openai = new OpenAI({ baseURL: `${base}/v1`, apiKey: credential, maxRetries: 0 });
await check('openai', 'chat-stream', async () => {
  const stream = await openai.chat.completions.create({
    model: 'llama3:8b', messages: [{ role: 'user', content: 'hi' }], stream: true,
  });
  let chunks = 0;
  let text = '';
  for await (const chunk of stream) {
    chunks++;
    text += chunk.choices[0]?.delta?.content ?? '';
  }
  return { chunks, text };
});
await check('openai', 'models', async () => {
  const page = await openai.models.list();
  return { models: page.data.map((m) => m.id) };
});

process.exit(failed ? 1 : 0);
