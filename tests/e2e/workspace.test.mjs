// The workspace end to end, in a real browser against the release dist/: the editor applies
// the guide's manifests through the terminal, errors land on the right line, the editor text
// survives a reload, and axe-core finds no serious or critical problems on the busy page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serve, openBrowser, screenshot, axeViolations, root } from './harness.mjs';

const SIDECAR = fs.readFileSync(path.join(root, 'src', 'templates', 'multi-container-pod.yaml'), 'utf8');
const INVALID = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: broken\nspec:\n  containers:\n  - name: app\n    image: ""\n';

let server; let browser;
before(async () => { server = await serve(); browser = await openBrowser(); });
after(async () => { await browser?.close(); await server?.close(); });

/** Replaces the editor's text the way a paste does, then applies it with Ctrl+Enter. */
async function applyYaml(page, yaml) {
  await page.fill('#editor-text', yaml);
  await page.focus('#editor-text');
  await page.keyboard.press('Control+Enter');
}

/** Types a command in the terminal and waits until its output follows the echoed prompt. */
async function typeCommand(page, line) {
  await page.fill('#term-input', line);
  await page.press('#term-input', 'Enter');
}

test('Ctrl+Enter applies the logging-sidecar pod through the terminal', async () => {
  const { page, problems } = browser;
  await page.goto(server.url + '#/sandbox');
  await page.waitForSelector('#editor-text', { timeout: 15000 });
  await page.click('#play-pause'); // pause: the apply journey is checked at the instant of apply
  await applyYaml(page, SIDECAR);
  await page.waitForFunction(() => document.querySelector('#term-output')?.textContent.includes('pod/multi-container-pod created'), null, { timeout: 10000 });
  const out = await page.textContent('#term-output');
  assert.match(out, /kubectl apply -f pod\.yaml/);
  // The pod exists in the cluster view, in orbit or on a planet, with both containers listed.
  const pod = page.locator('.spacepod[data-name="multi-container-pod"]');
  await pod.waitFor({ timeout: 5000 });
  assert.equal(await pod.locator('.astronaut').count(), 2);
  assert.equal(await page.locator('.station[data-station="etcd"].passed').count(), 1, 'journey reached etcd');
  await screenshot(page, 'workspace-applied');
  assert.deepEqual(problems, []);
});

test('an invalid manifest shows its error at the offending line', async () => {
  const { page } = browser;
  await applyYaml(page, INVALID);
  await page.waitForSelector('.gutter .ln.marked', { timeout: 10000 });
  assert.equal(await page.getAttribute('.gutter .ln.marked', 'data-line'), '8');
  const problem = await page.textContent('.problems');
  assert.match(problem, /line 8/);
  assert.match(problem, /spec\.containers\[0\]\.image: Required value/);
  const out = await page.textContent('#term-output');
  assert.match(out, /The Pod "broken" is invalid/);
  assert.equal(await page.locator('.station[data-station="validating"].stopped').count(), 1, 'journey stops at validation');
  await screenshot(page, 'workspace-invalid');
});

test('reload keeps the editor text and the terminal history', async () => {
  const { page } = browser;
  await page.fill('#editor-text', SIDECAR.replace('multi-container-pod', 'kept-after-reload'));
  await typeCommand(page, 'kubectl get nodes');
  await page.waitForFunction(() => document.querySelector('#term-output')?.textContent.includes('node02'), null, { timeout: 10000 });
  await page.reload();
  await page.waitForSelector('#editor-text', { timeout: 15000 });
  assert.match(await page.inputValue('#editor-text'), /name: kept-after-reload/);
  await page.focus('#term-input');
  await page.keyboard.press('ArrowUp');
  assert.equal(await page.inputValue('#term-input'), 'kubectl get nodes');
  await screenshot(page, 'workspace-reloaded');
});

test('axe-core reports no serious or critical violations on the workspace', async () => {
  const violations = await axeViolations(browser.page);
  assert.deepEqual(violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(' ')})`), []);
});
