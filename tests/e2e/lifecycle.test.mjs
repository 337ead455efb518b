// The logging-sidecar pod's life in the page: Pending -> ContainerCreating -> Running 2/2 in the
// cluster view and in `kubectl get pods`, and time travel back and forward reaches the same
// state (the simulation is deterministic), and the sidecar's logs show what the main container
// wrote to the shared volume.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serve, openBrowser, screenshot, root } from './harness.mjs';

const SIDECAR = fs.readFileSync(path.join(root, 'src', 'templates', 'multi-container-pod.yaml'), 'utf8');
let server; let browser;
before(async () => { server = await serve(); browser = await openBrowser(); });
after(async () => { await browser?.close(); await server?.close(); });

const statusOf = (page) => page.getAttribute('.spacepod[data-name="multi-container-pod"]', 'data-status');

async function run(page, line, expect) {
  await page.fill('#term-input', line);
  await page.press('#term-input', 'Enter');
  await page.waitForFunction((e) => document.querySelector('#term-output')?.textContent.includes(e), expect, { timeout: 10000 });
  return page.textContent('#term-output');
}

test('the sidecar pod goes Pending -> ContainerCreating -> Running 2/2', async () => {
  const { page, problems } = browser;
  await page.goto(server.url + '#/sandbox');
  await page.waitForSelector('#editor-text', { timeout: 15000 });
  await page.click('button[data-speed="5"]');
  await page.click('#play-pause'); // paused: the pod is seen at the instant it is created
  await page.fill('#editor-text', SIDECAR);
  await page.focus('#editor-text');
  await page.keyboard.press('Control+Enter');
  await page.waitForSelector('.orbit .spacepod[data-name="multi-container-pod"]', { timeout: 10000 });
  const seen = [await statusOf(page)];
  await screenshot(page, `lifecycle-1-${seen[0]}`);
  await page.click('#play-pause');
  const deadline = Date.now() + 60000;
  while (Date.now() < deadline) {
    const s = await statusOf(page);
    if (s && seen.at(-1) !== s) {
      seen.push(s);
      await screenshot(page, `lifecycle-${seen.length}-${s}`);
    }
    if (s === 'Running') break;
    await page.waitForTimeout(50);
  }
  assert.ok(seen.includes('Pending'), seen.join(' -> '));
  assert.ok(seen.includes('ContainerCreating'), seen.join(' -> '));
  assert.equal(seen.at(-1), 'Running', seen.join(' -> '));
  assert.equal(await page.getAttribute('.spacepod[data-name="multi-container-pod"]', 'data-ready'), '2/2');
  const out = await run(page, 'kubectl get pods', 'RESTARTS');
  assert.match(out, /multi-container-pod\s+2\/2\s+Running/);
  await screenshot(page, 'lifecycle-get-pods');
  // Let the main container write a few lines (5 s apart) into the shared emptyDir, then read
  // them through the sidecar that tails the file.
  await page.waitForTimeout(3000);
  await run(page, 'kubectl logs multi-container-pod -c sidecar-container', 'Writing Logs');
  const logs = await page.innerText('#term-output'); // innerText keeps the line breaks
  const lines = logs.split('\n').filter((l) => /^\w{3} \w{3} +\d{1,2} \d\d:\d\d:\d\d UTC 2025 Writing Logs$/.test(l));
  assert.ok(lines.length >= 1, logs);
  await screenshot(page, 'lifecycle-sidecar-logs');
  assert.deepEqual(problems, []);
});

test('time travel back and forward gives the same state', async () => {
  const { page } = browser;
  await page.click('#play-pause'); // pause so "now" stays put
  const before = await page.evaluate(() => ({ clock: document.querySelector('#sim-clock').textContent, planets: document.querySelector('.planets').innerText }));
  const end = await page.$eval('#time-slider', (el) => el.max);
  const start = await page.$eval('#time-slider', (el) => Number(el.min));
  // The default cluster hands itself to the learner after its add-ons' warm-up: the slider
  // starts there, not at 0.
  assert.ok(start > 0, `slider min ${start}`);
  await page.$eval('#time-slider', (el) => { el.value = el.min; el.dispatchEvent(new Event('change', { bubbles: true })); });
  await page.waitForFunction(() => !document.querySelector('.spacepod[data-name="multi-container-pod"]'), null, { timeout: 10000 });
  const hms = (ms) => new Date(ms).toISOString().slice(11, 19);
  assert.equal(await page.textContent('#sim-clock'), hms(start));
  await screenshot(page, 'timetravel-start');
  await page.$eval('#time-slider', (el, v) => { el.value = v; el.dispatchEvent(new Event('change', { bubbles: true })); }, end);
  await page.waitForFunction((c) => document.querySelector('#sim-clock').textContent === c, before.clock, { timeout: 20000 });
  const after = await page.evaluate(() => document.querySelector('.planets').innerText);
  assert.equal(after, before.planets);
  await screenshot(page, 'timetravel-back-to-end');
});
