// The localhost browser panel: run nginx, `kubectl port-forward` it, fetch its welcome page
// from the panel (the HTML shown as text), see the fetch come back after a time-travel scrub.
// Also the cluster view with kube-system pods: hidden behind their toggle, labelled when shown,
// and how long load and a scrub take with ten more running pods.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, openBrowser, screenshot } from './harness.mjs';

let server; let browser;
before(async () => { server = await serve(); browser = await openBrowser(); });
after(async () => { await browser?.close(); await server?.close(); });

async function type(page, line) {
  await page.fill('#term-input', line);
  await page.press('#term-input', 'Enter');
}

test('port-forward nginx and fetch its welcome page in the localhost panel', async () => {
  const { page, problems } = browser;
  await page.goto(server.url + '#/sandbox');
  await page.waitForSelector('#term-input', { timeout: 15000 });
  await page.click('button[data-speed="20"]');
  await type(page, 'kubectl run web --image=nginx:1.27 --port=80');
  await page.waitForSelector('.spacepod[data-name="web"][data-status="Running"]', { timeout: 30000 });
  assert.equal(await page.$('.localhost'), null, 'no panel before a port is forwarded');
  await type(page, 'kubectl port-forward pod/web 8080:80');
  await page.waitForSelector('.localhost .forward[data-port="8080"]', { timeout: 10000 });
  await page.fill('.localhost .address', 'http://localhost:8080/');
  await page.press('.localhost .address', 'Enter');
  await page.waitForSelector('.localhost .status-line', { timeout: 10000 });
  assert.equal(await page.textContent('.localhost .status-line'), 'HTTP/1.1 200 OK');
  const body = await page.textContent('.localhost .fetch-body');
  assert.match(body, /<title>Welcome to nginx!<\/title>/);
  assert.equal(await page.$$eval('.localhost .fetch-body *', (els) => els.length), 0, 'HTML is not rendered');
  await screenshot(page, 'localhost-fetch');
  await page.fill('.localhost .address', 'localhost:9090');
  await page.click('.localhost .fetch');
  await page.waitForSelector('.localhost .fetch-error', { timeout: 10000 });
  assert.equal(await page.textContent('.localhost .fetch-error'), "Failed to connect to localhost port 9090: Couldn't connect to server");
  assert.deepEqual(problems, []);
});

test('kube-system pods hide behind their toggle; load and scrub stay fast with ten of them', async () => {
  const { page, problems } = browser;
  await page.goto(server.url + '#/sandbox');
  await page.waitForSelector('#term-input', { timeout: 15000 });
  await page.click('button.reset');
  await page.click('button[data-speed="20"]');
  for (let i = 0; i < 10; i++) await type(page, `kubectl run sys-${i} -n kube-system --image=busybox:1.36 -- sleep 3600`);
  await type(page, 'kubectl run mine --image=busybox:1.36 -- sleep 3600');
  await page.waitForSelector('.spacepod[data-name="mine"][data-status="Running"]', { timeout: 30000 });
  assert.equal(await page.$$eval('.spacepod.system', (els) => els.length), 0);
  await page.check('.show-system');
  await page.waitForFunction(() => document.querySelectorAll('.spacepod.system[data-status="Running"]').length >= 10, null, { timeout: 30000 });
  await screenshot(page, 'cluster-system-pods');
  // Reload: the page replays the saved recording (10 system pods, ~1 minute of cluster time).
  const t0 = Date.now();
  await page.reload();
  await page.waitForSelector('.spacepod[data-name="mine"][data-status="Running"]', { timeout: 30000 });
  const loadMs = Date.now() - t0;
  // The slider's change handler replays synchronously: time it inside the page.
  const scrubMs = await page.$eval('#time-slider', (el) => {
    const t0 = performance.now();
    el.value = String(Math.floor(Number(el.max) / 2000) * 1000);
    el.dispatchEvent(new Event('change', { bubbles: true }));
    return Math.round(performance.now() - t0);
  });
  console.log(`e2e: reload with 10 kube-system pods ${loadMs} ms; scrub to the middle ${scrubMs} ms`);
  assert.ok(loadMs < 10000, `reload took ${loadMs} ms`);
  assert.ok(scrubMs < 5000, `scrub took ${scrubMs} ms`);
  assert.deepEqual(problems, []);
});
