// A troubleshooting scenario solved through the page as a learner would: open it from the home
// page, read the checklist, ask why the goal is not met, inspect with kubectl in the terminal,
// fix it from the editor, watch the checklist turn green and the solved banner show golf; then
// the quiz, the progress bars on the home page, the reference replay and progress export/import.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { serve, openBrowser, screenshot, axeViolations } from './harness.mjs';

const CONFIGMAP = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: frontend-config\ndata:\n  API_URL: http://api.default.svc:8080\n';

let server; let browser;
before(async () => { server = await serve(); browser = await openBrowser(); });
after(async () => { await browser?.close(); await server?.close(); });

const holds = (page) => page.$$eval('.checklist .check', (els) => els.map((e) => e.dataset.holds === 'true'));

async function run(page, line, expect) {
  await page.fill('#term-input', line);
  await page.press('#term-input', 'Enter');
  await page.waitForFunction((e) => document.querySelector('#term-output')?.textContent.includes(e), expect, { timeout: 15000 });
}

test('home lists the tracks with empty progress bars', async () => {
  const { page, problems } = browser;
  await page.goto(server.url + '#/');
  await page.waitForSelector('.track[data-track="troubleshooting"]', { timeout: 15000 });
  const bar = page.locator('.track[data-track="troubleshooting"] [role="progressbar"]');
  assert.equal(await bar.getAttribute('aria-valuenow'), '0');
  assert.ok(Number(await bar.getAttribute('aria-valuemax')) >= 10);
  await screenshot(page, 'scenario-0-home');
  assert.deepEqual(problems, []);
});

test('missing-configmap is solved from the terminal and the editor', async () => {
  const { page, problems } = browser;
  await page.click('a[href="#/scenarios/missing-configmap"]');
  await page.waitForSelector('.checklist .check', { timeout: 15000 });
  assert.match(await page.textContent('.lesson-pane'), /frontend/);
  assert.deepEqual(await holds(page), [false, false, false]);
  // Nothing inspected yet: the state-aware hint says where to look.
  assert.match(await page.textContent('.state-hints'), /not looked at the Events yet/);
  await page.click('#why-not');
  assert.ok(await page.locator('.why-not').count() >= 1);
  await page.click('#next-hint');
  assert.match(await page.textContent('.hints'), /Events/);
  await screenshot(page, 'scenario-1-start');

  await run(page, 'kubectl get pods', 'CreateContainerConfigError');
  await run(page, 'kubectl describe pod frontend', 'configmap "frontend-config" not found');
  await page.waitForFunction(() => document.querySelector('.checklist .check')?.dataset.holds === 'true', null, { timeout: 10000 });
  assert.equal(await page.locator('.state-hints').count(), 0, 'the hint goes once the Events were read');
  await screenshot(page, 'scenario-2-inspected');

  // The fix, written in the editor and applied with Ctrl+Enter.
  await page.fill('#editor-text', CONFIGMAP);
  await page.focus('#editor-text');
  await page.keyboard.press('Control+Enter');
  await page.waitForFunction(() => document.querySelector('#term-output')?.textContent.includes('configmap/frontend-config created'), null, { timeout: 10000 });
  assert.deepEqual((await holds(page)).slice(0, 2), [true, true]);
  await page.click('button[data-speed="60"]');
  await page.waitForSelector('#solved', { timeout: 60000 });
  assert.deepEqual(await holds(page), [true, true, true]);
  const banner = await page.textContent('#solved');
  assert.match(banner, /You: 3 commands in \d/);
  assert.match(banner, /Reference solution: 3 commands in \d/);
  await run(page, 'kubectl get pod frontend', '1/1');
  await screenshot(page, 'scenario-3-solved');
  assert.deepEqual(problems, []);
});

test('the quiz gives feedback and completes the scenario on the home page', async () => {
  const { page } = browser;
  const wrong = page.locator('fieldset[data-question="logs"]');
  await wrong.locator('input[value="0"]').check();
  await wrong.locator('.check-answer').click();
  assert.match(await wrong.locator('.feedback').textContent(), /Not quite.*before the container exists/);
  await wrong.locator('input[value="1"]').check();
  await wrong.locator('.check-answer').click();
  assert.match(await wrong.locator('.feedback').textContent(), /Right/);
  const volume = page.locator('fieldset[data-question="volume"]');
  await volume.locator('input[value="1"]').check();
  await volume.locator('.check-answer').click();
  assert.match(await volume.locator('.feedback').textContent(), /Right/);
  await screenshot(page, 'scenario-4-quiz');
  await page.click('nav a[href="#/"]');
  await page.waitForSelector('.track[data-track="troubleshooting"]');
  assert.equal(await page.getAttribute('.track[data-track="troubleshooting"] [role="progressbar"]', 'aria-valuenow'), '1');
  assert.match(await page.textContent('li[data-slug="missing-configmap"]'), /done/);
  await screenshot(page, 'scenario-5-progress');
});

test('progress survives a reload and exports and imports as a file', async () => {
  const { page } = browser;
  await page.reload();
  await page.waitForSelector('li[data-slug="missing-configmap"].done', { timeout: 15000 });
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-progress')]);
  const file = await download.path();
  const exported = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.equal(exported.format, 'podlab-progress');
  assert.equal(exported.items['missing-configmap'].completed, true);
  // Import a file that also completed another scenario: the two are merged.
  exported.items['pending-node-selector'] = { completed: true, best_commands: 4, best_sim_ms: 20000 };
  await page.setInputFiles('#import-progress', { name: 'p.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(exported)) });
  await page.waitForFunction(() => document.querySelector('.progress-file .status')?.textContent.includes('imported'), null, { timeout: 5000 });
  await page.setInputFiles('#import-progress', { name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"hello": 1}') });
  await page.waitForFunction(() => document.querySelector('.progress-file .status')?.textContent.includes('Could not import'), null, { timeout: 5000 });
  assert.match(await page.textContent('li[data-slug="missing-configmap"]'), /done/);
});

test('the reference solution replays in the terminal without counting as a solve', async () => {
  const { page, problems } = browser;
  await page.click('a[href="#/scenarios/missing-configmap"]');
  await page.waitForSelector('#solved', { timeout: 30000 }); // the saved attempt is replayed on return
  await page.click('#replay-reference');
  await page.waitForSelector('.replaying');
  await page.waitForFunction(() => document.querySelector('#term-output')?.textContent.includes('kubectl create configmap frontend-config'), null, { timeout: 30000 });
  await page.waitForSelector('#solved', { timeout: 60000 });
  await screenshot(page, 'scenario-6-reference');
  const violations = await axeViolations(page);
  assert.deepEqual(violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(' ')})`), []);
  assert.deepEqual(problems, []);
});

test('a lesson exercise brings its own files, and the sandbox gets its own back', async () => {
  const { page, problems } = browser;
  await page.goto(server.url + '#/sandbox');
  await page.waitForSelector('#editor-text', { timeout: 15000 });
  await page.fill('#editor-text', 'kind: Pod # sandbox draft\n');
  await page.goto(server.url + '#/lessons/what-is-a-pod');
  await page.waitForSelector('.checklist .check', { timeout: 15000 });
  assert.match(await page.textContent('.exercise-title'), /Exercise/);
  assert.match(await page.inputValue('#editor-text'), /name: web/);
  await page.focus('#editor-text');
  await page.keyboard.press('Control+Enter');
  await page.waitForFunction(() => document.querySelector('#term-output')?.textContent.includes('pod/web created'), null, { timeout: 10000 });
  await page.waitForFunction(() => document.querySelectorAll('.checklist .check[data-holds="true"]').length >= 1, null, { timeout: 10000 });
  await screenshot(page, 'lesson-exercise');
  await page.click('nav a[href="#/sandbox"]');
  await page.waitForFunction(() => document.querySelector('#editor-text')?.value.includes('sandbox draft'), null, { timeout: 10000 });
  assert.doesNotMatch(await page.textContent('#term-output'), /pod\/web created/);
  assert.deepEqual(problems, []);
});
