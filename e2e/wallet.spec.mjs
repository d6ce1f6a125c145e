// Browser tests of ortaq's citizen data wallet: node e2e/wallet.spec.mjs
//
// Run by the Go test TestBrowserWallet (internal/web/browser_wallet_test.go),
// which serves the synthetic demo nation with the wallet, the exchange,
// consents and corrections, makes one exchange query about a citizen, and
// sets BASE_URL, OUT_DIR and EXPECT; see e2e/lib.mjs for the runner.
// EXPECT is a JSON object: the citizen (IIN, name, phone), the query's case
// reference and the agency that made it, the consent offer and the exchange
// query it allows (path and headers, with a key), the value to correct, the
// CSV export's header and the pages' words in each language.
//
// Every step starts in a fresh browser context (Kazakh locale, no cookies)
// and signs in with signIn, reading the code from the demo's SMS outbox.
// The access step saves the receipt it downloads as OUT_DIR/receipt.json,
// which the Go test verifies after node exits.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { config, follow, goto, run, screenshot, submit, citizenSignIn, readCode as readCodeOf, askForCode as askForCodeOf } from './lib.mjs';

const expect = JSON.parse(process.env.EXPECT || 'null');
assert.ok(expect, 'EXPECT is not set (the Go test TestBrowserWallet sets it)');
const { outDir } = config();
const text = (l, key) => expect.text[l][key];
const me = expect.citizen;

const phone = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

const h1 = async (page) => (await page.locator('h1').innerText()).trim();
const pathname = (page) => new URL(page.url()).pathname;

// The shared sign-in helpers, bound to this spec's citizen.
const readCode = (context, baseURL) => readCodeOf(context, baseURL, me);
const askForCode = (page) => askForCodeOf(page, me);
const signIn = (t) => citizenSignIn(t, me);

// nav follows a link of the wallet's section navigation.
const nav = (t, href) => t.follow(t.page.locator(`nav.sections a[href="${href}"]`));

// exchangeQuery makes the consent's exchange query, as the agency would.
async function exchangeQuery(baseURL) {
  const res = await fetch(baseURL + expect.consent.path, { headers: expect.consent.headers });
  return { status: res.status, type: res.headers.get('content-type') || '', body: await res.json() };
}

// A 1x1 transparent PNG, for the correction's attachment.
const png = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64');

// wrongLink is the "Wrong?" link of the value the correction is about.
async function wrongLink(page) {
  const c = expect.correction;
  const links = page.locator('a.wrong');
  const i = await links.evaluateAll((as, c) => as.findIndex((a) => {
    const q = new URL(a.href).searchParams;
    return q.get('source') === c.source && q.get('record') === c.record && q.get('attr') === c.attr && a.checkVisibility();
  }), c);
  assert.ok(i >= 0, `no "Wrong?" link for ${c.source}:${c.record} ${c.attr}`);
  return links.nth(i);
}

// axe runs axe-core's WCAG 2.1 A and AA rules on the page and returns a
// line per violation.
const axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
async function axe(page, what) {
  await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.length, target: v.nodes[0]?.target.join(' '),
      why: [...(v.nodes[0]?.any ?? []), ...(v.nodes[0]?.all ?? [])].map((c) => c.message).join('; ') }));
  });
  return violations.map((v) => `${what}: ${v.id} (${v.help}) at ${v.target}${v.nodes > 1 ? ` and ${v.nodes - 1} more` : ''}: ${v.why}`);
}

// focused describes the element that has the keyboard focus.
const focused = (page) => page.evaluate(() => {
  const el = document.activeElement;
  if (!el || el === document.body) return 'body';
  return `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.classList.length ? '.' + [...el.classList].join('.') : ''}`;
});

const steps = [
  {
    name: 'signin',
    async run(t) {
      const { page, context, baseURL, goto } = t;
      await goto('/wallet');
      assert.equal(pathname(page), '/wallet/sign-in', '/wallet sends a stranger to sign in');
      assert.equal(new URL(page.url()).searchParams.get('next'), '/wallet', 'and back afterwards');
      assert.equal(await h1(page), text('kk', 'wallet.signin.title'));

      // A mistyped IIN: the page says so, and asks again.
      await page.locator('#iin').fill(me.badIIN);
      await submit(page, page.locator('form.signin button[type="submit"]'), { status: 422 });
      assert.equal((await page.locator('#signin-error').innerText()).trim(), text('kk', 'wallet.badiin'));
      assert.equal(await page.locator('#iin').getAttribute('aria-invalid'), 'true', 'the IIN is marked invalid');

      // The right IIN: a code goes to the phone.
      await page.locator('#iin').fill(me.iin);
      await submit(page, page.locator('form.signin button[type="submit"]'));
      assert.equal((await page.locator('p.notice').innerText()).trim(), text('kk', 'wallet.codesent'));
      const challenge = await page.locator('input[name="challenge"]').inputValue();
      // The browser binding the code; signing in clears it.
      const binding = (await context.cookies()).find((c) => c.name === '__Host-ortaq-signin');
      assert.ok(binding?.secure && binding?.httpOnly, 'sign-in binding cookie, Secure and HttpOnly');
      const code = await readCode(context, baseURL);
      await page.locator('#code').fill(code);
      await submit(page, page.locator('form.signin button[type="submit"]'));
      assert.equal(pathname(page), '/wallet', 'signed in, on my data');
      assert.equal(await h1(page), text('kk', 'wallet.data.title'));
      assert.equal((await page.locator('p.meta strong').innerText()).trim(), me.name, 'my name');
      const session = (await context.cookies()).find((c) => c.name === '__Host-ortaq-wallet');
      assert.ok(session?.secure && session?.httpOnly, 'session cookie, Secure and HttpOnly');
      assert.ok(!(await context.cookies()).some((c) => c.name === binding.name), 'signing in clears the binding');
      await t.shot('signed-in');

      // Sign out; the wallet asks to sign in again.
      await submit(page, page.locator('form.signout button[type="submit"]'));
      assert.equal(pathname(page), '/wallet/sign-in', 'signed out');
      await goto('/wallet');
      assert.equal(pathname(page), '/wallet/sign-in', 'no way back in without signing in');

      // The used code, replayed exactly: the same challenge from the same
      // browser (its binding cookie put back) is refused.
      await context.addCookies([binding]);
      await goto('/wallet/sign-in');
      await askForCode(page);
      await page.locator('input[name="challenge"]').evaluate((el, v) => { el.value = v; }, challenge);
      await page.locator('#code').fill(code);
      await submit(page, page.locator('form.signin button[type="submit"]'), { status: 401 });
      assert.equal((await page.locator('#signin-error').innerText()).trim(), text('kk', 'wallet.codeused'), 'replayed code');
      await t.shot('replayed');

      // The same code typed in a new attempt is refused; the new code works.
      await askForCode(page);
      const fresh = await readCode(context, baseURL);
      if (fresh !== code) {
        await page.locator('#code').fill(code);
        await submit(page, page.locator('form.signin button[type="submit"]'), { status: 401 });
        assert.equal((await page.locator('#signin-error').innerText()).trim(), text('kk', 'wallet.codewrong'), 'old code, new attempt');
      }
      await page.locator('#code').fill(fresh);
      await submit(page, page.locator('form.signin button[type="submit"]'));
      assert.equal(pathname(page), '/wallet', 'signed in with the new code');
    },
  },
  {
    name: 'access',
    async run(t) {
      const { page } = t;
      await signIn(t);
      const badge = page.locator('#new-accesses');
      assert.match(await badge.innerText(), /^\d+/, 'the nav counts new accesses');
      assert.ok(parseInt(await badge.innerText(), 10) >= 1, 'at least one new access');
      await nav(t, '/wallet/access');
      assert.equal(await h1(page), text('kk', 'wallet.access.title'));
      const entry = page.locator('li.access').filter({ hasText: expect.access.case });
      assert.equal(await entry.count(), 1, `one access with case ${expect.access.case}`);
      assert.ok((await entry.innerText()).includes(expect.access.agency.kk), `the access names ${expect.access.agency.kk}`);
      const body = await page.locator('body').innerText();
      assert.ok(!body.includes(expect.access.user), `the page names the official ${expect.access.user}`);
      await t.shot('list');

      // Seen now: the badge is gone.
      await t.goto('/wallet/access');
      assert.equal(await page.locator('#new-accesses').count(), 0, 'no new accesses once seen');

      await t.follow(entry.locator('a[href^="/wallet/access/"]'));
      assert.match(pathname(page), /^\/wallet\/access\/\d+$/);
      assert.equal(await h1(page), text('kk', 'wallet.receipt.title'));
      const status = (await page.locator('#receipt-status').innerText()).trim();
      assert.ok(status.startsWith('✓'), `the receipt verifies: ${status}`);
      assert.ok(!(await page.locator('body').innerText()).includes(expect.access.user), 'the receipt page names the official');
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#receipt-download').click()]);
      assert.match(download.suggestedFilename(), /^ortaq-receipt-\d+\.json$/);
      assert.equal(await download.failure(), null, 'download failed');
      await download.saveAs(path.join(outDir, 'receipt.json'));
    },
  },
  {
    name: 'consent',
    async run(t) {
      const { page, baseURL } = t;
      // Without consent the agency gets nothing.
      let q = await exchangeQuery(baseURL);
      assert.equal(q.status, 403, `query before consent: ${JSON.stringify(q.body)}`);
      assert.equal(q.body.code, 'consent_required');

      await signIn(t);
      await nav(t, '/wallet/consents');
      assert.equal(await h1(page), text('kk', 'wallet.consents.title'));
      const offer = page.locator('form.offer').filter({ has: page.locator(`input[name="offer"][value="${expect.consent.offer}"]`) });
      assert.equal(await offer.count(), 1, `the offer ${expect.consent.offer}`);
      await offer.locator('input[name="frequency"][value="periodic"]').check();
      const until = await offer.locator('input[name="until"]').inputValue();
      await submit(page, offer.locator('button[type="submit"]'));
      const id = new URL(page.url()).hash.replace(/^#consent-/, '');
      assert.ok(id, `the page shows the new consent: ${page.url()}`);
      await t.layout();
      const mine = page.locator(`li.consent[id="consent-${id}"]`);
      assert.equal((await mine.locator('.consent-head .status').innerText()).trim(), text('kk', 'consent.status.ACTIVE'));
      assert.ok((await mine.innerText()).includes(text('kk', 'consent.frequency.periodic')), 'periodic use');
      assert.ok((await offer.innerText()).includes(text('kk', 'wallet.offer.granted')), 'the offer says it is granted');
      await t.shot('granted');

      q = await exchangeQuery(baseURL);
      assert.equal(q.status, 200, `query with consent: ${JSON.stringify(q.body)}`);
      assert.ok(q.body.data && Object.keys(q.body.data).length > 0, 'the query answers data');

      await submit(page, mine.locator('button[name="action"][value="revoke"]'));
      assert.equal((await mine.locator('.consent-head .status').innerText()).trim(), text('kk', 'consent.status.REVOKED'));
      assert.equal(await mine.locator('button[name="action"]').count(), 0, 'a withdrawn consent has no controls');
      await mine.locator('details summary').click();
      const history = await mine.locator('ol.history > li').allInnerTexts();
      assert.equal(history.length, 2, `two versions: ${JSON.stringify(history)}`);
      assert.match(history[0], /^v1 /);
      assert.match(history[1], /^v2 /);
      assert.ok(history[0].includes(text('kk', 'consent.status.ACTIVE')) && history[1].includes(text('kk', 'consent.status.REVOKED')),
        `versions: active, then withdrawn: ${JSON.stringify(history)}`);
      await t.shot('revoked');

      q = await exchangeQuery(baseURL);
      assert.equal(q.status, 403, `query after withdrawal: ${JSON.stringify(q.body)}`);
      assert.match(q.type, /^application\/problem\+json/);
      assert.equal(q.body.code, 'consent_required');

      // The period shown ends on the day the citizen chose.
      // The form's date is ISO (an <input type=date>); the page writes the
      // day as a Kazakh reader does, 06.12.2027.
      const period = (await mine.locator('dl.access-facts dd').nth(3).innerText()).trim();
      const [y, m, d] = until.split('-');
      assert.ok(period.endsWith(`${d}.${m}.${y}`), `the consent was given until ${until}; the page says ${period}`);
    },
  },
  {
    name: 'correction',
    // The agency's data officer decides it in the console, signed in.
    as: expect.correction.agency,
    async run(t) {
      const { page, context, baseURL } = t;
      const c = expect.correction;
      await signIn(t);
      await t.follow(await wrongLink(page));
      assert.equal(await h1(page), text('kk', 'wallet.correct.title'));
      assert.equal((await page.locator('#current-value').innerText()).trim(), c.current, 'the value as it is');
      await page.locator('#proposed').fill(c.proposed);
      await page.locator('#explanation').fill('Мен 2024 жылы көшіп келдім; мекенжай анықтамасы қоса берілді.');
      await page.locator('#attachment').setInputFiles({ name: 'proof.png', mimeType: 'image/png', buffer: png });
      await submit(page, page.locator('form.correct button[type="submit"]'));
      const where = pathname(page);
      assert.match(where, /^\/wallet\/corrections\/[^/]+$/, 'on the request’s page');
      const id = decodeURIComponent(where.split('/').pop());
      await t.layout();
      assert.equal((await page.locator('p.meta .status').innerText()).trim(), text('kk', 'correction.status.open'));
      assert.equal((await page.locator('#proposed-value').innerText()).trim(), c.proposed);
      assert.equal(await page.locator('a[href$="/attachment"]').innerText(), 'proof.png', 'the attachment');
      await t.shot('filed');

      // The agency's officer, in the console.
      const officer = await context.newPage();
      await goto(officer, baseURL, `/worklist?agency=${encodeURIComponent(c.agency)}`);
      const row = officer.locator(`section.wl-corrections tr[id="correction-${id}"]`);
      assert.equal(await row.count(), 1, 'the request is on the agency’s work list');
      assert.ok((await row.innerText()).includes(c.proposed), 'the work list shows the proposed value');
      await t.layout(officer);
      await follow(officer, row.locator('a[href^="/corrections/"]'));
      assert.equal(new URL(officer.url()).pathname, `/corrections/${id}`);
      await t.layout(officer);
      await officer.locator('#note').fill('Мекенжай анықтамасымен тексерілді.');
      await submit(officer, officer.locator('button[name="action"][value="accept"]'));
      assert.equal(await officer.locator('form.decide').count(), 0, 'decided: no more buttons');
      await screenshot(officer, outDir, 'correction-console');
      await officer.close();

      // The citizen sees the answer, and the value changed.
      await t.goto(`/wallet/corrections/${encodeURIComponent(id)}`);
      // Accepted, but the agency's own system still holds the old value:
      // the citizen reads "waiting", never "fixed".
      assert.equal((await page.locator('p.meta .status').innerText()).trim(), text('kk', 'correction.status.waiting'));
      assert.equal((await page.locator('#decision-note').innerText()).trim(), 'Мекенжай анықтамасымен тексерілді.');
      const history = await page.locator('#correction-history > li').allInnerTexts();
      assert.equal(history.length, 2, `filed, then accepted: ${JSON.stringify(history)}`);
      assert.ok(history[1].includes(text('kk', 'correction.status.accepted')), `history: ${JSON.stringify(history)}`);
      await t.shot('accepted');
      await nav(t, '/wallet/corrections');
      const listed = page.locator(`tr[id="correction-${id}"]`);
      assert.ok((await listed.innerText()).includes(text('kk', 'correction.status.waiting')), 'the list shows it waiting for the agency');
      await nav(t, '/wallet');
      assert.ok((await page.locator('section#records').innerText()).includes(c.proposed), 'my records hold the new value');
    },
  },
  {
    name: 'downloads',
    async run(t) {
      const { page } = t;
      await signIn(t);
      const [json] = await Promise.all([page.waitForEvent('download'), page.locator('a[href="/wallet/data.json"]').click()]);
      assert.equal(json.suggestedFilename(), 'ortaq-my-data.json');
      const data = JSON.parse(await readFile(await json.path(), 'utf8'));
      assert.equal(data.iin, me.iin, 'my IIN');
      assert.ok(Array.isArray(data.records) && data.records.length >= 2, `my records: ${data.records?.length}`);
      assert.ok(data.records.some((r) => r.source === expect.correction.source && r.record_id === expect.correction.record),
        'the record the correction is about');
      assert.ok(data.accesses.some((a) => a.case_reference === expect.access.case), `the access ${expect.access.case}`);
      assert.ok(!JSON.stringify(data).includes(expect.access.user), `the export names the official ${expect.access.user}`);

      const [csv] = await Promise.all([page.waitForEvent('download'), page.locator('a[href="/wallet/data.csv"]').click()]);
      assert.equal(csv.suggestedFilename(), 'ortaq-my-data.csv');
      const text = await readFile(await csv.path(), 'utf8');
      assert.ok(text.startsWith('\ufeff'), 'the CSV starts with a byte-order mark, so that Excel reads Cyrillic');
      const lines = text.slice(1).split(/\r?\n/);
      const lang = await page.locator('html').getAttribute('lang');
      assert.equal(lines[0], expect.csvHeader[lang], `CSV header in the page's language (${lang})`);
      assert.ok(lines.length > 5, 'CSV rows');
    },
  },
  {
    // Every page of the wallet on a phone. The runner measures each page
    // it reaches (see e2e/lib.mjs, checkLayout) here at 390×844 and
    // 360×740, as it measures the other steps' pages at their own size too.
    name: 'phone',
    context: phone,
    async run(t) {
      const { page } = t;
      await t.goto('/wallet/sms');
      await signIn(t);
      await t.shot('kk');
      for (const l of ['ru', 'en']) {
        await t.follow(page.locator(`nav.langs a[hreflang="${l}"]`));
        assert.equal(await page.evaluate(() => document.documentElement.lang), l, '<html lang>');
        assert.equal(await h1(page), text(l, 'wallet.data.title'), `heading in ${l}`);
        assert.equal(pathname(page), '/wallet', 'still my data');
        await t.shot(l);
      }
      await nav(t, '/wallet/access');
      assert.equal(await h1(page), text('en', 'wallet.access.title'), 'the language stays');
      await t.shot('access');
      await t.follow(page.locator('li.access a[href^="/wallet/access/"]').first());
      await t.shot('receipt');
      await nav(t, '/wallet/consents');
      await t.shot('consents');
      await nav(t, '/wallet/corrections');
      await t.shot('corrections');
      const filed = page.locator('a[href^="/wallet/corrections/"]:not([href$="/new"])');
      if (await filed.count()) await t.follow(filed.first());
      await nav(t, '/wallet');
      await t.follow(await wrongLink(page));
      await t.shot('correct');
      await t.goto('/wallet/no-such-page', { status: 404 });
      await t.goto('/wallet?lang=kk');
    },
  },
  {
    name: 'accessibility',
    // The pages' Content-Security-Policy refuses inline scripts, such as
    // axe-core injected.
    context: { bypassCSP: true },
    async run(t) {
      const { page, context, baseURL, goto } = t;
      const problems = [];

      // The keyboard, from the top of the sign-in page: the skip link
      // first, then on to the IIN; Enter sends the form.
      await goto('/wallet/sign-in');
      problems.push(...await axe(page, 'sign-in'));
      await page.evaluate(() => document.activeElement?.blur());
      const order = [];
      for (let i = 0; i < 30 && !order.includes('input#iin'); i++) {
        await page.keyboard.press('Tab');
        const f = await focused(page);
        if (f === 'a.skip' && !order.includes(f)) {
          const box = await page.locator('a.skip').boundingBox();
          assert.ok(box && box.y >= 0 && box.x >= 0 && box.width > 1, `the skip link shows when focused: ${JSON.stringify(box)}`);
        }
        order.push(f);
      }
      const skip = order.indexOf('a.skip');
      assert.ok(skip >= 0, `Tab never reaches the skip link: ${order.join(' → ')}`);
      assert.ok(order.indexOf('input#iin') > skip, `Tab reaches the IIN after the skip link: ${order.join(' → ')}`);
      await page.keyboard.type(me.iin);
      const [sent] = await Promise.all([
        page.waitForResponse((r) => r.request().isNavigationRequest() && r.request().method() === 'POST'),
        page.keyboard.press('Enter'),
      ]);
      assert.equal(sent.status(), 200, 'Enter sends the IIN');
      await page.locator('#code').waitFor();
      assert.equal(await focused(page), 'input#code', 'the code field has the focus');
      await page.keyboard.type(await readCode(context, baseURL));
      await Promise.all([page.waitForURL((u) => u.pathname === '/wallet'), page.keyboard.press('Enter')]);
      await page.waitForLoadState('load');

      problems.push(...await axe(page, '/wallet'));
      await goto('/wallet/access');
      problems.push(...await axe(page, '/wallet/access'));
      const receipt = await page.locator('li.access a[href^="/wallet/access/"]').first().getAttribute('href');
      await goto(receipt);
      problems.push(...await axe(page, receipt));
      await goto('/wallet/consents');
      problems.push(...await axe(page, '/wallet/consents'));
      await goto('/wallet/corrections');
      problems.push(...await axe(page, '/wallet/corrections'));
      await goto('/wallet');
      await t.follow(await wrongLink(page));
      problems.push(...await axe(page, 'correction form'));
      if (problems.length) assert.fail(`${problems.length} accessibility violations:\n  ${problems.join('\n  ')}`);
    },
  },
];

await run(steps);
