// The terminal attached to a container: `kubectl exec -it POD -- sh` gives the container's
// `/ # ` prompt, typed lines run in its shell, Ctrl+C abandons a line or interrupts a command, `exit` and Ctrl+D leave;
// a `kubectl get pods -w` stream stops on Ctrl+C. Also the panels' splitters move with the
// keyboard and keep their sizes across a reload, and the layout on a phone width.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, openBrowser, screenshot, axeViolations } from './harness.mjs';

const POD = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: box\nspec:\n  containers:\n  - name: box\n    image: busybox:1.36\n    command: ["sh", "-c", "echo ready > /tmp/state; sleep 3600"]\n';

let server; let browser;
before(async () => { server = await serve(); browser = await openBrowser(); });
after(async () => { await browser?.close(); await server?.close(); });

const prompt = (page) => page.textContent('.term-input-row .ps1');
const output = (page) => page.innerText('#term-output');

async function type(page, line) {
  await page.fill('#term-input', line);
  await page.press('#term-input', 'Enter');
}

async function waitOutput(page, text, timeout = 15000) {
  await page.waitForFunction((e) => document.querySelector('#term-output')?.textContent.includes(e), text, { timeout });
}

test('kubectl exec -it attaches the terminal to the container shell', async () => {
  const { page, problems } = browser;
  await page.goto(server.url + '#/sandbox');
  await page.waitForSelector('#editor-text', { timeout: 15000 });
  await page.click('button[data-speed="20"]');
  await page.fill('#editor-text', POD);
  await page.focus('#editor-text');
  await page.keyboard.press('Control+Enter');
  await page.waitForSelector('.spacepod[data-name="box"][data-status="Running"]', { timeout: 30000 });
  await type(page, 'kubectl exec -it box -- sh');
  await page.waitForFunction(() => document.querySelector('.term-input-row .ps1')?.textContent === '/ # ', null, { timeout: 10000 });
  await type(page, 'cat /tmp/state');
  await waitOutput(page, 'ready');
  assert.match(await output(page), /\/ # cat \/tmp\/state\nready/);
  // Ctrl+C at the prompt abandons the line; the shell stays.
  await page.fill('#term-input', 'sleep 10');
  await page.press('#term-input', 'Control+c');
  assert.match(await output(page), /\/ # sleep 10\^C/);
  assert.equal(await prompt(page), '/ # ');
  // Ctrl+C while a command runs: the tty sends SIGINT, the shell prompts again ($? is 130).
  await type(page, 'sleep 100');
  await page.press('#term-input', 'Control+c');
  await page.waitForFunction(() => document.querySelector('.term-input-row .ps1')?.textContent === '/ # ', null, { timeout: 10000 });
  await type(page, 'echo status $?');
  await waitOutput(page, 'status 130');
  await screenshot(page, 'exec-shell');
  await type(page, 'exit');
  await page.waitForFunction(() => document.querySelector('.term-input-row .ps1')?.textContent === '$ ', null, { timeout: 10000 });
  // Ctrl+D leaves too.
  await type(page, 'kubectl exec -it box -- sh');
  await page.waitForFunction(() => document.querySelector('.term-input-row .ps1')?.textContent === '/ # ', null, { timeout: 10000 });
  await page.press('#term-input', 'Control+d');
  await page.waitForFunction(() => document.querySelector('.term-input-row .ps1')?.textContent === '$ ', null, { timeout: 10000 });
  await type(page, 'kubectl get pod box');
  await waitOutput(page, '1/1');
  assert.deepEqual(problems, []);
});

test('Ctrl+C stops kubectl get pods -w', async () => {
  const { page } = browser;
  // A second pod starting while the watch is open prints new rows as they happen.
  await type(page, 'kubectl run late --image=nginx:1.27');
  await type(page, 'kubectl get pods -w');
  await page.waitForFunction(() => /late\s+1\/1\s+Running/.test(document.querySelector('#term-output')?.innerText ?? ''), null, { timeout: 30000 });
  await page.press('#term-input', 'Control+c');
  assert.match(await output(page), /\n\^C$/);
  const before = (await output(page)).length;
  await type(page, 'kubectl delete pod late --wait=false');
  await page.waitForTimeout(1500);
  // Stopped: the deletion shows no watch row, only the delete command's own output.
  assert.doesNotMatch((await output(page)).slice(before), /late\s+1\/1\s+Terminating/);
  await type(page, 'kubectl get nodes');
  await waitOutput(page, 'node02');
  assert.ok((await output(page)).length > before);
});

test('splitters resize with the keyboard and keep their size across a reload', async () => {
  const { page } = browser;
  const handle = page.locator('.splitter.split-lesson');
  const start = Number(await handle.getAttribute('aria-valuenow'));
  await handle.focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  const moved = Number(await handle.getAttribute('aria-valuenow'));
  assert.equal(moved, start + 4);
  // A drag with the mouse moves the editor's splitter.
  const editor = page.locator('.splitter.split-editor');
  const box = await editor.boundingBox();
  const beforeDrag = Number(await editor.getAttribute('aria-valuenow'));
  await page.mouse.move(box.x + box.width / 2, box.y + 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2, box.y + 120, { steps: 5 });
  await page.mouse.up();
  assert.ok(Number(await editor.getAttribute('aria-valuenow')) > beforeDrag);
  await page.reload();
  await page.waitForSelector('.splitter.split-lesson', { timeout: 15000 });
  assert.equal(Number(await page.getAttribute('.splitter.split-lesson', 'aria-valuenow')), moved);
  const violations = await axeViolations(page);
  assert.deepEqual(violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(' ')})`), []);
});

test('on a phone width the panels become tabs', async () => {
  const { page, problems } = browser;
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForSelector('.mobile-tabs button', { state: 'visible' });
  await page.click('.mobile-tabs button:has-text("Terminal")');
  assert.ok(await page.isVisible('#term-input'));
  assert.ok(!(await page.isVisible('#editor-text')));
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page scrolls sideways by ${overflow}px`);
  await screenshot(page, 'phone-terminal');
  await page.click('.mobile-tabs button:has-text("Lesson")');
  await screenshot(page, 'phone-lesson');
  await page.setViewportSize({ width: 1440, height: 900 });
  assert.deepEqual(problems, []);
});
