// Browser tests of ortaq's web console: node e2e/console.spec.mjs
//
// Run by the Go test TestBrowserConsole (internal/web/browser_test.go), which
// serves the synthetic demo nation and sets BASE_URL, OUT_DIR and EXPECT; see
// e2e/lib.mjs for the runner and README, "Browser tests". EXPECT is a JSON
// object with what the pages must show: every agency's name and a few
// headings in each language, a person with their name in three spellings
// and the agency their name came from, and an open finding.
//
// To add a step, append {name, run} to steps; name is also the screenshot's
// file name. Each step starts in a fresh browser context (Kazakh locale,
// signed in as the test's default official, or as the official of the
// agency its as names) unless it gives context options of its own.

import assert from 'node:assert/strict';
import { run } from './lib.mjs';

const expect = JSON.parse(process.env.EXPECT || 'null');
assert.ok(expect, 'EXPECT is not set (the Go test TestBrowserConsole sets it)');
const langs = ['kk', 'ru', 'en'];
const text = (l, key) => expect.text[l][key];

// lang is the page's <html lang>.
const lang = (page) => page.evaluate(() => document.documentElement.lang);

// seesOverview asserts the overview is shown in language l, with its
// agencies named in that language.
async function seesOverview(page, l) {
  assert.equal(await lang(page), l, '<html lang>');
  assert.equal((await page.locator('h1').innerText()).trim(), text(l, 'index.title'), 'heading');
  const agencies = await page.locator('section.agencies tbody th a').allInnerTexts();
  assert.ok(agencies.length > 0, 'no agencies on the overview');
  for (const name of expect.agencies[l]) {
    assert.ok(agencies.some((a) => a.includes(name)), `agency ${JSON.stringify(name)} not among ${JSON.stringify(agencies)}`);
  }
  assert.equal(await page.locator('section.national figure.trend svg').count(), 1, 'national score trend');
}

// The language switcher's link to language l.
const langLink = (page, l) => page.locator(`nav.langs a[hreflang="${l}"]`);

// search types q into the header's search box and submits it.
async function search(t, q) {
  await t.page.locator('header form.search input[name="q"]').fill(q);
  await t.follow(t.page.locator('header form.search button[type="submit"]'));
}

const personPath = `/entities/${expect.person.id}`;
const phone = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

const steps = [
  {
    name: 'overview',
    async run({ page, goto }) {
      await goto('/');
      await seesOverview(page, 'kk'); // Kazakh: the browser asks for it, and it is the default
      assert.ok(await page.locator('section.agencies a[href^="/agencies/"]').count() > 0, 'no links to agencies');
      assert.ok(await page.locator('section.regions tbody tr').count() >= 10, 'regions table');
      assert.equal(await page.locator('nav.langs a').count(), langs.length, 'language links');
    },
  },
  {
    name: 'language',
    async run({ page, context, goto, follow, shot }) {
      await goto('/');
      for (const l of ['ru', 'en', 'kk']) {
        await follow(langLink(page, l));
        await seesOverview(page, l);
        assert.equal(await langLink(page, l).getAttribute('aria-current'), 'true', `${l} link marked current`);
        await shot(l);

        // The choice persists in a cookie: a page opened without ?lang=
        // keeps the language.
        const cookie = (await context.cookies()).find((c) => c.name === 'lang');
        assert.equal(cookie?.value, l, 'lang cookie');
        await follow(page.locator('section.agencies a[href^="/agencies/"]').first());
        assert.equal(await lang(page), l, `<html lang> on ${page.url()}`);
        await goto('/');
        await seesOverview(page, l);
      }
    },
  },
  {
    name: 'source',
    async run({ page, goto, follow }) {
      await goto('/?lang=en');
      await follow(page.locator('section.agencies a[href^="/agencies/"]').first());
      const link = page.locator('section#sources a[href^="/sources/"]').first();
      const title = (await link.innerText()).trim();
      const href = await link.getAttribute('href');
      await follow(link);
      assert.equal(new URL(page.url()).pathname, href, 'URL');
      assert.equal((await page.locator('h1').innerText()).trim(), title, 'heading');
      assert.equal(await page.locator('p.meta code').innerText(), href.replace('/sources/', ''), 'source name');
      assert.equal(await page.locator('section.checks').count(), 1, 'checks section');
      assert.equal(await page.locator('section.runs').count(), 1, 'runs section');
      await follow(page.locator('p.crumbs a[href="/"]'));
      await seesOverview(page, 'en');
    },
  },
  {
    name: 'search',
    async run(t) {
      const { page, goto, shot } = t;
      const [kazakh, russian, latin] = expect.person.spellings;
      await goto('/');
      // Cyrillic first, as a Kazakh officer types it; then open the person.
      await search(t, kazakh);
      await shot('cyrillic');
      await t.follow(page.locator(`table.results a[href="${personPath}"]`));
      assert.equal(new URL(page.url()).pathname, personPath, `"${kazakh}" leads to the person`);
      // The same person in Latin letters, from the person's own page, and
      // with the Kazakh letters folded as Russian spelling writes them.
      for (const q of [latin, russian]) {
        await search(t, q);
        assert.ok(await page.locator(`table.results a[href="${personPath}"]`).count() === 1, `"${q}" finds the person`);
      }
      await shot('latin');
      await t.follow(page.locator(`table.results a[href="${personPath}"]`));
      assert.equal(new URL(page.url()).pathname, personPath, 'the same entity');
    },
  },
  {
    name: 'entity',
    async run({ page, goto, follow, shot }) {
      await goto(`${personPath}?lang=en`);
      const agencies = await page.locator('table.provenance .agency-name').allInnerTexts();
      assert.ok(agencies.includes(expect.person.agency.en), `provenance names ${expect.person.agency.en}: ${JSON.stringify(agencies.slice(0, 3))}`);
      assert.ok(await page.locator('section#records table.matrix thead th').count() >= 3, 'linked records side by side');
      assert.ok(await page.locator('section#explain details.link').count() >= 2, 'match explanations');
      assert.ok(await page.locator('section#explain details.link[open] table.waterfall tbody tr').count() > 3, 'explanation waterfall');
      assert.equal(await page.locator('section#lineage').count(), 1, 'lineage');
      await shot('en');
      await follow(langLink(page, 'kk'));
      assert.equal(await lang(page), 'kk');
      assert.equal(new URL(page.url()).pathname, personPath, 'same entity after switching language');
      assert.equal((await page.locator('section#golden h2').innerText()).trim(), text('kk', 'golden.title'));
      const kk = await page.locator('table.provenance .agency-name').allInnerTexts();
      assert.ok(kk.includes(expect.person.agency.kk), `provenance in Kazakh names ${expect.person.agency.kk}`);
    },
  },
  {
    name: 'virtual-cows',
    as: 'moa',
    async run({ page, goto, follow }) {
      await goto('/');
      await follow(page.locator('nav.sections a[href="/virtual-cows"]'));
      assert.equal((await page.locator('h1').innerText()).trim(), text('kk', 'cows.title'));
      assert.ok(await page.locator('section.cow-check').count() > 0, 'checks that caught animals');
      assert.ok(await page.locator('section#groups tr.cow-group').count() > 0, 'animals grouped by owner and herd');
      const animal = page.locator('section#groups tr.cow-group a[href^="/entities/A"]').first();
      const href = await animal.getAttribute('href');
      await follow(animal);
      assert.equal(new URL(page.url()).pathname, href, 'the animal’s page');
    },
  },
  {
    name: 'exchange',
    async run({ page, goto, follow, shot }) {
      await goto('/');
      await follow(page.locator('nav.sections a[href="/exchange"]'));
      assert.equal((await page.locator('h1').innerText()).trim(), text('kk', 'exchange.title'));
      assert.ok(await page.locator('section tbody tr').count() >= 3, 'traffic, services and legal bases listed');
      await goto('/exchange?lang=en');
      assert.equal((await page.locator('h1').innerText()).trim(), text('en', 'exchange.title'));
      await shot('en');
    },
  },
  {
    name: 'worklist',
    as: expect.finding.agency,
    async run({ page, goto, shot }) {
      const f = expect.finding;
      await goto(`/worklist?lang=en&source=${encodeURIComponent(f.source)}&check=${encodeURIComponent(f.check)}`);
      assert.equal((await page.locator('h1').innerText()).trim(), text('en', 'worklist.title'));
      const row = () => page.locator(`tr#finding-${f.id}`);
      assert.equal(await row().locator('.status').getAttribute('class'), 'status s-open', 'open at first');
      await row().locator('input[name="note"]').fill('checked with the clinic');
      const [res] = await Promise.all([
        page.waitForResponse((r) => r.request().isNavigationRequest() && r.request().method() === 'GET'),
        row().locator('button[value="fixed"]').click(),
      ]);
      assert.equal(res.status(), 200, 'back on the work list');
      await page.waitForLoadState('load');
      assert.equal(await row().locator('.status').getAttribute('class'), 'status s-fixed', 'marked fixed');
      assert.match(await row().innerText(), /checked with the clinic/);
      await shot('fixed');
      // Reopen it, so the step can run again on the same data.
      await Promise.all([page.waitForNavigation(), row().locator('button[value="open"]').click()]);
      assert.equal(await row().locator('.status').getAttribute('class'), 'status s-open', 'reopened');
    },
  },
  {
    // Every page of the console on a phone. The runner measures each page
    // it reaches (see e2e/lib.mjs, checkLayout) here at 390×844 and
    // 360×740, as it measures the other steps' pages at their own size too.
    name: 'phone',
    context: phone,
    async run({ page, goto, follow, shot }) {
      await goto('/');
      await seesOverview(page, 'kk');
      await shot('overview');
      await follow(page.locator('section.agencies a[href^="/agencies/"]').first());
      await shot('agency');
      await follow(page.locator('section#sources a[href^="/sources/"]').first());
      await shot('source');
      await goto(personPath);
      await shot('entity');
      await goto(`/search?q=${encodeURIComponent(expect.person.spellings[0])}`);
      await shot('search');
      await goto('/search');
      await goto('/worklist');
      await shot('worklist');
      await goto('/exchange');
      await shot('exchange');
      await goto('/no-such-page', { status: 404 });
      await goto(`${personPath}?lang=ru`);
      await goto(`${personPath}?lang=en`);
    },
  },
  {
    // The animals on a phone, as the agriculture ministry's official
    // reads them: owners are theirs to see.
    name: 'phone-animals',
    context: phone,
    as: 'moa',
    async run({ page, goto, follow, shot }) {
      await goto('/virtual-cows');
      await shot('cows');
      await follow(page.locator('section#groups tr.cow-group a[href^="/entities/A"]').first());
      await shot('animal');
    },
  },
];

await run(steps);
