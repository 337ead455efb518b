// Smoke test: the release build loads in a real browser, renders the shell with no errors, and
// passes axe-core's serious/critical checks.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, openBrowser, screenshot, axeViolations } from './harness.mjs';

let server; let browser;
before(async () => { server = await serve(); browser = await openBrowser(); });
after(async () => { await browser?.close(); await server?.close(); });

test('the release page renders the Podlab shell without errors', async () => {
  const { page, problems } = browser;
  await page.goto(server.url);
  await page.waitForSelector('.brand', { timeout: 15000 });
  assert.equal(await page.textContent('.brand'), 'Podlab');
  for (const label of ['Lesson', 'Editor', 'Terminal', 'Cluster']) {
    assert.equal(await page.locator(`section[aria-label="${label}"]`).count(), 1, label);
  }
  await screenshot(page, 'smoke-shell');
  assert.deepEqual(problems, []);
});

test('axe-core reports no serious or critical violations', async () => {
  const violations = await axeViolations(browser.page);
  assert.deepEqual(violations.map((v) => `${v.id}: ${v.help}`), []);
});
