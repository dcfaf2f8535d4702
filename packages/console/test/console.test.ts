/**
 * The console in a real browser (Debian's Chromium through playwright-core) against a real
 * server whose local launcher starts real `dlt agent` processes, and a loopback target: sign in,
 * create a simple test with the form, run it and watch the live view change, read the results,
 * set the baseline, run again and compare, delete a run, export CSV; upload a JMeter zip (a bad
 * one first, whose error shows beside the file field) and run it; a viewer sees no create or
 * delete; regions, users and tokens. Each page is saved as a screenshot under test-output/.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import type { Download, Page } from 'playwright-core';
import { adminPassword, type Rig, remoteRegion, startRig, zipOf } from './console-kit.ts';

let rig: Rig;
let page: Page;

before(async () => {
  rig = await startRig();
  page = await rig.newPage();
  // Any uncaught error in the page fails the test that caused it.
  page.on('pageerror', (e) => errors.push(e.message));
});
after(() => rig?.close());

const errors: string[] = [];
const state: { testId?: string; firstRun?: string; secondRun?: string; hitsAfterFirst?: number } = {};

/** The number a stat box shows (e.g. "Requests" → 1234). */
async function stat(label: string): Promise<number> {
  const text = await page
    .locator('.stat', { has: page.locator('.stat-label', { hasText: label }) })
    .locator('.stat-value')
    .first()
    .textContent();
  return Number((text ?? '').replace(/[^\d.]/g, ''));
}

/** Waits for the run to end and checks it ended as `status` (else fails with the page's reason). */
async function waitForStatus(status: string, timeout = 60_000): Promise<void> {
  const ended = page.locator('h1 .badge', { hasText: /^(complete|cancelled|failed)$/ });
  await ended.waitFor({ timeout });
  const got = await ended.textContent();
  if (got !== status) {
    const why = await page.locator('.state.error').allTextContents();
    assert.fail(`the run ended ${got}, not ${status}: ${why.join(' | ')}`);
  }
}

async function saved(download: Promise<Download>): Promise<string> {
  const d = await download;
  return readFile((await d.path())!, 'utf8');
}

test('sign-in refuses a wrong password, then keeps the session over a reload', async () => {
  await page.goto('/');
  await page.locator('#username:focus').waitFor();
  await page.keyboard.type('admin');
  await page.fill('#password', 'not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('Wrong username or password.').waitFor();
  await rig.shot(page, '01-sign-in');
  await page.fill('#password', adminPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Tests' }).waitFor();
  await page.getByText('No tests yet.').waitFor();
  await page.reload();
  await page.getByRole('heading', { name: 'Tests' }).waitFor();
  assert.equal(await page.locator('#username').count(), 0, 'still signed in after a reload');
});

test('the form checks fields as they are typed; Save and run opens the live view, which changes', async () => {
  await page.getByRole('link', { name: 'New test' }).click();
  await page.getByRole('heading', { name: 'New test' }).waitFor();
  const name = page.getByLabel('Name', { exact: true });
  await name.fill('ab');
  await page.getByText('at least 3 characters').first().waitFor();
  await name.fill('Checkout API');
  await page.getByLabel('Description').fill('The checkout endpoint at 30 requests per second per task');
  await page.getByLabel('Tags').fill('checkout, smoke');
  const url = page.getByLabel('URL of request 1');
  await url.fill('ftp://nowhere');
  await page.locator('.field.has-error', { has: url }).locator('.error-text').waitFor();
  await url.fill(rig.target.url);
  await page.getByLabel('Label').fill('checkout');
  // Choosing an executor or a schedule flags none of their still-empty fields; a wrong value does.
  const model = page.getByLabel('Model');
  await model.selectOption('constant-arrival-rate');
  await page.getByLabel('When').selectOption('once');
  assert.equal(await page.locator('.field.has-error').count(), 0, 'nothing is in error before it is typed');
  await page.getByLabel('rate *').fill('many');
  await page.locator('.field.has-error', { has: page.getByLabel('rate *') }).waitFor();
  await model.selectOption('taurus');
  await page.getByLabel('When').selectOption('none');
  await page.getByLabel('Hold for').fill('8s');
  await page.getByLabel('Requests per second').fill('30');
  await page.getByLabel('Tasks', { exact: true }).fill('2');
  await page.getByLabel('Users per task').fill('2');
  // A second region, served by the rig's remote agent (2 free slots).
  await page.getByRole('button', { name: '+ Add a region' }).click();
  assert.equal(await page.getByLabel('Region 2').inputValue(), remoteRegion);
  await page.getByLabel('Users per task').nth(1).fill('2');
  await page.getByLabel('Thresholds').fill('http_req_duration: p(95)<2000');
  assert.equal(await page.locator('.field.has-error').count(), 0, 'no field is in error');
  await rig.shot(page, '02-test-form');
  await page.getByRole('button', { name: 'Save and run' }).click();
  await page.waitForURL(/\/tests\/\w+\/runs\/\w+$/);
  const [, testId, runId] = /\/tests\/(\w+)\/runs\/(\w+)$/.exec(page.url())!;
  state.testId = testId;
  state.firstRun = runId;
  // The live view: the request count grows while the run goes on.
  await page.getByText('Tasks per region').waitFor();
  await page.locator('.chart').first().waitFor({ timeout: 20_000 });
  await page.waitForFunction(() => document.querySelectorAll('.stat-value')[2]?.textContent !== '0', null, {
    timeout: 20_000,
  });
  const first = await stat('Requests');
  await page.waitForFunction(
    (n) => Number(document.querySelectorAll('.stat-value')[2]?.textContent?.replace(/\D/g, '')) > n,
    first,
    { timeout: 10_000 },
  );
  assert.ok((await stat('Requests')) > first, 'the live count went up');
  assert.match((await page.locator('.stat', { hasText: 'Remaining' }).textContent()) ?? '', /\ds/);
  await page.getByRole('cell', { name: 'checkout' }).waitFor();
  // Both regions report: one line each on the region charts, and a tab for each.
  await page.getByRole('tab', { name: remoteRegion }).waitFor({ timeout: 10_000 });
  await page.getByRole('tab', { name: 'local' }).waitFor({ timeout: 10_000 });
  await page.getByText('Requests per second by region').waitFor();
  await rig.shot(page, '03-live');
  // The keyboard moves between regions: Right from "All regions" chooses the next one.
  await page.getByRole('tab', { name: 'All regions' }).focus();
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.getByRole('tab', { selected: true }).count(), 1);
  assert.notEqual(await page.getByRole('tab', { selected: true }).textContent(), 'All regions');
  await page.getByRole('tab', { name: remoteRegion }).click();
  await page.getByText(`${remoteRegion}: requests per second`).waitFor();
  assert.equal(
    await page.getByText('Requests per second by region').count(),
    0,
    'one region shows its own charts only',
  );
  await page.getByRole('tab', { name: 'All regions' }).click();
});

test('the results show the merged numbers (equal to what the target served), charts and downloads', async () => {
  await waitForStatus('complete');
  await page.getByText('Response time distribution').waitFor();
  // What the run was asked to do, under its title.
  assert.match((await page.locator('.run-settings').textContent()) ?? '', /hold for 8s.*local: 2 tasks × 2 users/);
  state.hitsAfterFirst = rig.target.hits();
  assert.equal(await stat('Requests'), state.hitsAfterFirst, 'every request the target served is counted once');
  assert.equal(
    await page.locator('.stat', { hasText: 'Thresholds' }).locator('.stat-value').textContent(),
    'all passed',
  );
  // The observed p95 in milliseconds, as the threshold names it.
  assert.match(
    (await page
      .getByRole('table', { name: 'Thresholds' })
      .getByRole('row', { name: /http_req_duration/ })
      .textContent()) ?? '',
    /\d ms/,
  );
  assert.equal(await page.locator('.chart').count(), 4);
  await page.getByRole('table', { name: 'Per label' }).getByRole('cell', { name: 'checkout' }).waitFor();
  await page.getByRole('table', { name: 'Status codes' }).getByRole('cell', { name: '200' }).waitFor();
  const summary = JSON.parse(await saved(clickDownload('Summary (JSON)')));
  assert.equal(summary.summary.totals.requests, state.hitsAfterFirst);
  const timeline = await saved(clickDownload('Timeline (CSV)'));
  assert.match(timeline, /^time,requests,failures/);
  assert.match(await saved(clickDownload('Report (HTML)')), /<html/i);
  assert.equal(await page.getByRole('button', { name: /^Raw result / }).count(), 3, 'one raw result per task');
  const regions = page.getByRole('table', { name: 'Per region' });
  await regions.getByRole('cell', { name: remoteRegion }).waitFor();
  await regions.getByRole('cell', { name: 'local' }).waitFor();
  const task = JSON.parse(await saved(clickDownload(/^Raw result local/)));
  assert.equal(task.runId, state.firstRun);
  await rig.shot(page, '04-results');
});

const nav = (name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });

function clickDownload(name: string | RegExp): Promise<Download> {
  const d = page.waitForEvent('download');
  void page.getByRole('button', { name }).first().click();
  return d;
}

test('the test page: set the baseline, run again, compare with coloured deltas', async () => {
  await page.getByRole('link', { name: 'Checkout API' }).click();
  await page.getByRole('heading', { name: /Checkout API/ }).waitFor();
  await page.getByRole('button', { name: 'Set baseline' }).click();
  await page.getByText('★ baseline').waitFor();
  // A slower target makes the second run measurably worse.
  rig.target.delayMs = 40;
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await page.waitForURL(/\/runs\/\w+$/);
  state.secondRun = /\/runs\/(\w+)$/.exec(page.url())![1];
  assert.notEqual(state.secondRun, state.firstRun);
  await waitForStatus('complete');
  rig.target.delayMs = 2;
  await page.getByRole('link', { name: 'Compare…' }).click();
  await page.getByRole('heading', { name: 'Compare runs' }).waitFor();
  // Every answer 40 ms later: the median cannot but be worse, however busy the machine.
  const p50 = page.getByRole('table', { name: 'All requests' }).getByRole('row', { name: /^p50/ });
  assert.match((await p50.getAttribute('class')) ?? '', /tone-worse/, 'a slower p50 reads as worse');
  await page.getByText('Timelines overlaid').waitFor();
  assert.ok((await page.locator('.chart').count()) >= 4);
  await rig.shot(page, '06-compare');
  // The list now has two runs of the test to draw its trend from.
  await nav('Tests').click();
  await page
    .getByRole('row', { name: /Checkout API/ })
    .locator('svg.sparkline')
    .waitFor();
  await rig.shot(page, '00-tests');
  await page.getByRole('link', { name: 'Checkout API' }).click();
  await page.getByRole('heading', { name: /Checkout API/ }).waitFor();
  await page.locator('table.grid tbody tr').nth(1).waitFor();
  await page.getByText('Last runs: p50, p95, p99').waitFor();
  // The settings name the type as the form does and list the requests sent.
  await page.locator('.settings').getByText('Simple HTTP').waitFor();
  await page.locator('.settings').getByText(`GET ${rig.target.url}`).waitFor();
  await rig.shot(page, '05-test-page');
});

test('runs: CSV export marks the baseline; the baseline cannot be selected; another run is deleted', async () => {
  const csv = await saved(clickDownload('Export CSV'));
  const rows = csv.trim().split('\r\n');
  assert.equal(rows.length, 3);
  assert.ok(rows.some((r) => r.startsWith(`${state.firstRun},yes,complete`)));
  assert.equal(await page.getByLabel(`Select run ${state.firstRun}`).isDisabled(), true);
  await page.getByLabel(`Select run ${state.secondRun}`).check();
  await page.getByRole('button', { name: 'Delete selected (1)' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete runs' }).click();
  await page.getByText('1 run', { exact: true }).waitFor();
  assert.equal(await page.getByLabel(`Select run ${state.secondRun}`).count(), 0);
});

test('a run is cancelled from the live view after a confirmation, and what it measured is kept', async () => {
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await page.waitForURL(/\/runs\/\w+$/);
  await page.waitForFunction(
    () => Number(document.querySelectorAll('.stat-value')[2]?.textContent?.replace(/\D/g, '')) > 0,
    null,
    {
      timeout: 20_000,
    },
  );
  await page.getByRole('button', { name: 'Cancel run' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByText('Cancel this run?').waitFor();
  await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
  assert.equal(
    await page.locator('h1 .badge', { hasText: 'running' }).count(),
    1,
    'dismissing the dialog keeps the run going',
  );
  await page.getByRole('button', { name: 'Cancel run' }).click();
  await dialog.getByRole('button', { name: 'Cancel the run' }).click();
  await waitForStatus('cancelled', 20_000);
  await page.getByText('Response time distribution').waitFor();
  assert.ok((await stat('Requests')) > 0);
  await page.getByRole('link', { name: 'Checkout API' }).click();
});

const jmx = (url: string) => {
  const u = new URL(url);
  return `<?xml version="1.0" encoding="UTF-8"?>
<jmeterTestPlan version="1.2" properties="5.0" jmeter="5.6.3">
  <hashTree>
    <TestPlan guiclass="TestPlanGui" testclass="TestPlan" testname="console plan"/>
    <hashTree>
      <ThreadGroup guiclass="ThreadGroupGui" testclass="ThreadGroup" testname="Users">
        <elementProp name="ThreadGroup.main_controller" elementType="LoopController" guiclass="LoopControlPanel" testclass="LoopController" testname="Loop">
          <boolProp name="LoopController.continue_forever">false</boolProp>
          <stringProp name="LoopController.loops">5</stringProp>
        </elementProp>
        <stringProp name="ThreadGroup.num_threads">2</stringProp>
        <stringProp name="ThreadGroup.ramp_time">0</stringProp>
      </ThreadGroup>
      <hashTree>
        <HTTPSamplerProxy guiclass="HttpTestSampleGui" testclass="HTTPSamplerProxy" testname="home">
          <stringProp name="HTTPSampler.domain">${u.hostname}</stringProp>
          <stringProp name="HTTPSampler.port">${u.port}</stringProp>
          <stringProp name="HTTPSampler.protocol">http</stringProp>
          <stringProp name="HTTPSampler.path">/</stringProp>
          <stringProp name="HTTPSampler.method">GET</stringProp>
        </HTTPSamplerProxy>
        <hashTree/>
      </hashTree>
    </hashTree>
  </hashTree>
</jmeterTestPlan>
`;
};

test('a JMeter zip: a bad file shows its error beside the field; a good one uploads and runs', async () => {
  await nav('Tests').click();
  await page.getByRole('link', { name: 'New test' }).click();
  await page.getByLabel('Name', { exact: true }).fill('JMeter plan');
  await page.getByLabel('Description').fill('A JMeter plan in a zip');
  await page.getByLabel('Type').selectOption('jmeter');
  const file = page.getByLabel(/^Script \(\.jmx\) or zip/);
  await file.setInputFiles({
    name: 'plan.zip',
    mimeType: 'application/zip',
    buffer: zipOf({ 'notes.txt': 'no plan here' }),
  });
  await page.getByLabel('Hold for').fill('');
  // For a script test the form's load replaces the plan's thread group: 2 users share 10 iterations.
  await page.getByLabel('Iterations', { exact: true }).fill('10');
  await page.getByLabel('Users per task').fill('2');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  const fileField = page.locator('.field', { has: file });
  await fileField.locator('.error-text', { hasText: /no \.jmx/ }).waitFor();
  await rig.shot(page, '07-bad-upload');
  const afterRefusal = await rig.api('GET', '/api/scenarios');
  assert.equal((afterRefusal.body as { Items: unknown[] }).Items.length, 1, 'a refused upload leaves no test behind');
  const before = rig.target.hits();
  await file.setInputFiles({
    name: 'plan.zip',
    mimeType: 'application/zip',
    buffer: zipOf({ 'plan.jmx': jmx(rig.target.url), 'README.txt': 'data' }),
  });
  assert.equal(await fileField.locator('.error-text').count(), 0, 'a new file clears the error');
  await page.getByRole('button', { name: 'Save and run' }).click();
  await page.waitForURL(/\/runs\/\w+$/);
  await waitForStatus('complete');
  assert.ok((await stat('Requests')) > 0);
  assert.equal(await stat('Requests'), rig.target.hits() - before);
  await page.getByRole('table', { name: 'Per label' }).getByRole('cell', { name: 'home' }).waitFor();
  const lists = await rig.api('GET', '/api/scenarios');
  assert.equal((lists.body as { Items: unknown[] }).Items.length, 2, 'the refused upload made no second test');
  // A copy takes the script along.
  await page.getByRole('link', { name: 'JMeter plan' }).click();
  await page.getByRole('link', { name: 'Copy', exact: true }).click();
  await page.getByText('The copy takes plan.zip along').waitFor();
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByRole('heading', { name: /JMeter plan \(copy\)/ }).waitFor();
  await page.getByRole('button', { name: 'Download script' }).waitFor();
  const copyId = /\/tests\/(\w+)$/.exec(page.url())![1];
  const original = (lists.body as { Items: { testId: string; testName: string }[] }).Items.find(
    (t) => t.testName === 'JMeter plan',
  )!;
  const bytes = async (id: string) =>
    Buffer.from(
      await (
        await fetch(`${rig.server.url}/api/scenarios/${id}/script`, { headers: await rig.authHeader() })
      ).arrayBuffer(),
    );
  assert.deepEqual(await bytes(copyId), await bytes(original.testId));
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete the test' }).click();
  await page.getByRole('heading', { name: 'Tests' }).waitFor();
});

test('copy a test with a schedule: a past date is refused beside its field; a cron schedule shows and is removed', async () => {
  await nav('Tests').click();
  await page.getByRole('link', { name: 'Checkout API' }).click();
  await page.getByRole('link', { name: 'Copy', exact: true }).click();
  await page.getByRole('heading', { name: 'Copy of Checkout API' }).waitFor();
  assert.equal(await page.getByLabel('Name', { exact: true }).inputValue(), 'Checkout API (copy)');
  await page.getByLabel('Name', { exact: true }).fill('Checkout nightly');
  await page.getByLabel('When').selectOption('once');
  await page.getByLabel('Date', { exact: true }).fill('2020-01-01');
  await page.getByLabel('Time', { exact: true }).fill('10:00');
  await page.getByLabel('Time zone').fill('UTC');
  await page.getByRole('button', { name: 'Save and schedule' }).click();
  const date = page.locator('.field', { has: page.getByLabel('Date', { exact: true }) });
  await date.locator('.error-text', { hasText: 'must be in the future' }).waitFor();
  await page.getByLabel('When').selectOption('cron');
  await page.getByLabel('Cron').fill('0 3 * *');
  await page
    .locator('.field', { has: page.getByLabel('Cron') })
    .locator('.error-text', { hasText: 'five fields' })
    .waitFor();
  await page.getByLabel('Cron').fill('0 3 * * *');
  await rig.shot(page, '11-schedule-form');
  await page.getByRole('button', { name: 'Save and schedule' }).click();
  await page.getByRole('heading', { name: /Checkout nightly/ }).waitFor();
  await page.locator('h1 .badge', { hasText: 'scheduled' }).waitFor();
  await page.getByText('cron 0 3 * * * in UTC').waitFor();
  assert.match((await page.locator('.schedule').textContent()) ?? '', /next run \d{4}-\d{2}-\d{2} \d{2}:\d{2}:00/);
  await nav('Tests').click();
  await page
    .getByRole('row', { name: /Checkout nightly/ })
    .locator('.badge', { hasText: 'scheduled' })
    .waitFor();
  await page.getByRole('link', { name: 'Checkout nightly' }).click();
  await page.getByRole('button', { name: 'Remove schedule' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Remove schedule' }).click();
  await page.locator('h1 .badge', { hasText: 'created' }).waitFor();
  assert.equal(await page.getByText('cron 0 3 * * *').count(), 0);
});

test('the tests list: status, last p95 and req/s, trend, filter by text and tag', async () => {
  await nav('Tests').click();
  await page.getByRole('link', { name: 'JMeter plan' }).waitFor();
  const row = page.getByRole('row', { name: /Checkout API/ });
  // Its last run was cancelled; p95 and req/s are those of its last completed run.
  await row.locator('.badge', { hasText: 'cancelled' }).waitFor();
  assert.match((await row.textContent()) ?? '', /\d+(\.\d+)? ms/);
  // The last run reads relative to now, its exact time on hover.
  const last = row.getByText(/^(just now|\d+ min ago)$/);
  assert.match((await last.getAttribute('title')) ?? '', /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  await page.getByRole('button', { name: 'smoke' }).first().click();
  await page.getByRole('link', { name: 'JMeter plan' }).waitFor({ state: 'detached' });
  await page.getByRole('button', { name: 'Remove tag filter smoke' }).click();
  await page.getByPlaceholder(/Filter by name/).fill('jmeter');
  await page.getByRole('link', { name: 'Checkout API' }).waitFor({ state: 'detached' });
  await page.getByRole('link', { name: 'JMeter plan' }).waitFor();
});

test('regions and agents, users and tokens: create a viewer, change a role', async () => {
  await nav('Regions & agents').click();
  await page.getByRole('cell', { name: 'local', exact: true }).first().waitFor();
  // The launcher's agents left when their tasks ended: counted, but not flagged as a fault.
  const local = page.getByRole('table', { name: 'Regions' }).getByRole('row', { name: /^local/ });
  assert.equal(await local.count(), 1);
  assert.equal(await local.locator('.bad-text').count(), 0, 'offline launcher agents are not red');
  await rig.shot(page, '08-regions');
  await nav('Users & tokens').click();
  const form = page.getByRole('form', { name: 'New user' });
  await form.getByLabel('Username').fill('vic');
  await form.getByLabel('Password').fill('vic-password-long');
  await form.getByRole('button', { name: 'Create user' }).click();
  await page.getByText('User vic created as viewer.').waitFor();
  await page.getByRole('combobox', { name: 'Role of vic' }).selectOption('editor');
  await page.getByRole('dialog').getByRole('button', { name: 'Change role' }).click();
  await page.getByText('vic is now editor').waitFor();
  await page.getByRole('combobox', { name: 'Role of vic' }).selectOption('viewer');
  await page.getByRole('dialog').getByRole('button', { name: 'Change role' }).click();
  await page.getByText('vic is now viewer').waitFor();
  await page.getByLabel('Name', { exact: true }).fill('ci-nightly');
  await page.getByRole('button', { name: 'Create token' }).click();
  await page.locator('.secret').waitFor();
  await page.getByRole('cell', { name: 'ci-nightly' }).waitFor();
  // The secret, shown once, is copied with one click.
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByRole('button', { name: 'Copy token' }).click();
  await page.getByText('Copied.').waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), await page.locator('.secret').textContent());
  await rig.shot(page, '09-access');
});

test('a viewer sees no create, run, edit or delete; sign-out ends the session', async () => {
  const viewer = await rig.newPage();
  try {
    await viewer.goto('/');
    await viewer.fill('#username', 'vic');
    await viewer.fill('#password', 'vic-password-long');
    await viewer.getByRole('button', { name: 'Sign in' }).click();
    await viewer.getByRole('link', { name: 'Checkout API' }).click();
    await viewer.getByRole('heading', { name: /Checkout API/ }).waitFor();
    await viewer.getByRole('heading', { name: 'Runs' }).waitFor();
    await viewer.locator('table.grid tbody tr').first().waitFor();
    for (const name of ['Run', 'Delete', 'Edit', 'Copy', 'Set baseline']) {
      assert.equal(await viewer.getByRole('button', { name, exact: true }).count(), 0, `no ${name} button`);
      assert.equal(await viewer.getByRole('link', { name, exact: true }).count(), 0, `no ${name} link`);
    }
    assert.equal(await viewer.getByRole('checkbox').count(), 0, 'no run selection');
    await rig.shot(viewer, '10-viewer');
    await viewer.goto('/');
    await viewer.getByRole('heading', { name: 'Tests' }).waitFor();
    assert.equal(await viewer.getByRole('link', { name: 'New test' }).count(), 0);
    await viewer.goto('/tests/new');
    await viewer.getByText(/cannot change tests/).waitFor();
    await viewer.getByRole('button', { name: 'Sign out' }).click();
    await viewer.locator('#username').waitFor();
    await viewer.reload();
    await viewer.locator('#username').waitFor();
  } finally {
    await viewer.context().close();
  }
});

test('no page threw', () => {
  assert.deepEqual(errors, []);
});
