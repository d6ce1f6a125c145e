// Shared helpers for ortaq's browser tests: a plain step runner over
// playwright-core and Debian's Chromium, with no test framework.
//
// A spec is a list of steps, each {name, context?, run}. Every step gets a
// fresh browser context (no cookies, its own viewport), so steps do not
// depend on each other's order; run receives {page, context, goto, follow,
// shot, baseURL}. After each step, passed or failed, the runner saves a
// full-page screenshot OUT_DIR/<name>.png, prints "ok <name>" or
// "FAIL <name>: error", and finally exits 1 if any step failed.
//
// Environment: BASE_URL (required) is the console's address, OUT_DIR the
// screenshot folder (default ../test-output/browser), CHROMIUM the browser
// (default /usr/bin/chromium), ONLY a comma-separated list of step names to
// run.

import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));

// config reads the environment.
export function config() {
  const baseURL = process.env.BASE_URL;
  if (!baseURL) {
    throw new Error('BASE_URL is not set (the Go test TestBrowserConsole sets it; see README, Browser tests)');
  }
  return {
    baseURL: baseURL.replace(/\/+$/, ''),
    outDir: process.env.OUT_DIR || path.join(here, '..', 'test-output', 'browser'),
    only: (process.env.ONLY || '').split(',').map((s) => s.trim()).filter(Boolean),
  };
}

// launch starts headless Chromium. --no-sandbox lets it run as root (CI).
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox'],
  });
}

// goto opens path (relative to BASE_URL) and asserts the answer's status,
// 200 unless told otherwise. It returns the response.
export async function goto(page, baseURL, urlPath, { status = 200 } = {}) {
  const res = await page.goto(baseURL + urlPath);
  assert.ok(res, `GET ${urlPath}: no response`);
  assert.equal(res.status(), status, `GET ${urlPath}: status ${res.status()}, want ${status}`);
  return res;
}

// follow clicks a link (a locator) and asserts the status of the page it
// leads to. It returns the response.
export async function follow(page, link, { status = 200 } = {}) {
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.request().isNavigationRequest() && r.frame() === page.mainFrame()),
    link.click(),
  ]);
  await page.waitForLoadState('load');
  assert.equal(res.status(), status, `${res.url()}: status ${res.status()}, want ${status}`);
  return res;
}

// screenshot saves a full-page PNG as OUT_DIR/<name>.png.
export async function screenshot(page, outDir, name) {
  const file = path.join(outDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

// Problems a page may have that no step asked about: script errors and
// failed sub-resources (a missing stylesheet, a broken icon).
function watch(page, baseURL) {
  const problems = [];
  page.on('pageerror', (err) => problems.push(`script error: ${err.message}`));
  page.on('response', (r) => {
    if (r.status() >= 400 && !r.request().isNavigationRequest() && r.url().startsWith(baseURL)) {
      problems.push(`${r.request().resourceType()} ${r.url()}: status ${r.status()}`);
    }
  });
  page.on('requestfailed', (r) => {
    const why = r.failure()?.errorText;
    // ERR_ABORTED: the page was left before the load finished.
    if (r.url().startsWith(baseURL) && why !== 'net::ERR_ABORTED') problems.push(`${r.url()}: ${why}`);
  });
  return problems;
}

// run runs the steps in order and exits the process: 0 if all passed.
export async function run(steps) {
  const names = new Set();
  for (const s of steps) {
    assert.match(s.name, /^[a-z0-9-]+$/, `step name ${s.name} must be a file name (a-z, 0-9, -)`);
    assert.ok(!names.has(s.name), `two steps named ${s.name}`);
    names.add(s.name);
  }
  const { baseURL, outDir, only } = config();
  for (const n of only) assert.ok(names.has(n), `ONLY names no step ${n}`);
  await mkdir(outDir, { recursive: true });

  const browser = await launch();
  let failed = 0;
  let ran = 0;
  const start = Date.now();
  try {
    for (const s of steps) {
      if (only.length && !only.includes(s.name)) continue;
      ran++;
      const t0 = Date.now();
      const context = await browser.newContext({ locale: 'kk-KZ', ...s.context });
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      const problems = watch(page, baseURL);
      const t = {
        page,
        context,
        baseURL,
        goto: (p, opts) => goto(page, baseURL, p, opts),
        follow: (link, opts) => follow(page, link, opts),
        // shot saves an extra screenshot, <step>-<suffix>.png.
        shot: (suffix) => screenshot(page, outDir, `${s.name}-${suffix}`),
      };
      let err;
      try {
        await s.run(t);
        assert.deepEqual(problems, [], 'the pages had problems');
      } catch (e) {
        err = e;
      }
      try {
        await screenshot(page, outDir, s.name);
      } catch (e) {
        err ??= e;
      }
      await context.close();
      const ms = Date.now() - t0;
      if (err) {
        failed++;
        console.log(`FAIL ${s.name}: ${err.stack || err} (${ms} ms)`);
      } else {
        console.log(`ok ${s.name} (${ms} ms)`);
      }
    }
  } finally {
    await browser.close();
  }
  const summary = failed ? `FAIL: ${failed} of ${ran} steps failed` : `ok: ${ran} steps passed`;
  console.log(`${summary} in ${Date.now() - start} ms; screenshots in ${outDir}`);
  process.exit(failed ? 1 : 0);
}
