// Browser walk of the social wallet, the done-when:
// node e2e/socialwallet.spec.mjs
//
// Run by the Go test TestBrowserSocialWallet
// (internal/web/browser_socialwallet_test.go), which serves the demo nation
// with an АСП family whose accepted offer an officer confirmed and whose
// food voucher was funded, a grocery and a pharmacy registered as
// merchants with their systems' keys, and a policy officer of the
// administering agency, and sets BASE_URL, OUT_DIR and EXPECT. It also
// serves POST /test/expire, which runs the voucher expiry as the server's
// minute tick would once the voucher's day has passed.
//
// The citizen works in Kazakh on a phone; every page is measured for
// overlapping text, sideways scrolling and small tap targets (lib.mjs).
// The steps build on each other: the citizen makes a food code and the
// grocery's till is paid part of the voucher; a pharmacy's till presents a
// new food code and the ledger refuses it; the rest of the voucher
// expires back to the programme; the citizen reads all of it in plain
// words; the ministry's policy officer finds it in the figures.

import assert from 'node:assert/strict';
import { citizenSignIn, officialSignIn, run, submit } from './lib.mjs';

const expect = JSON.parse(process.env.EXPECT || 'null');
assert.ok(expect, 'EXPECT is not set (the Go test TestBrowserSocialWallet sets it)');
const base = process.env.BASE_URL;
const phone = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

async function inKazakh(page) {
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'kk', `${page.url()} is not in Kazakh`);
}

// makeCode opens the food payment page, makes a code (of at most max
// tenge, when given) and returns it with the IIN the page shows beside it.
async function makeCode(t, max) {
  const { page } = t;
  await t.goto('/wallet/money/pay?ledger=food');
  await inKazakh(page);
  if (max) await page.locator('#max').fill(max);
  await submit(page, page.locator('#make-code'));
  await t.layout();
  const code = await page.locator('#code-digits').getAttribute('data-code');
  assert.match(code, /^[0-9]{6}$/, 'a 6-digit code is shown');
  assert.equal(await page.locator('#code svg.qr').count(), 1, 'with its QR code');
  const iin = await page.locator('#code-iin').innerText();
  assert.equal(iin, expect.citizen.iin, 'and the IIN the till sends with it');
  if (max) {
    assert.ok((await page.locator('#code-limit').innerText()).includes(expect.limit), 'and the most it pays');
  } else {
    assert.equal(await page.locator('#code-limit').count(), 0, 'no limit was set');
  }
  return { code, iin };
}

// till posts a purchase as a merchant's system does: the citizen's IIN
// and code, and the amount.
async function till(merchant, id, pay, amount) {
  const res = await fetch(new URL('/api/v1/wallet/purchases', base), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${merchant.key}`, 'Ortaq-Client': merchant.client },
    body: JSON.stringify({ id, iin: pay.iin, code: pay.code, amount }),
  });
  return { status: res.status, body: await res.json() };
}

const steps = [
  {
    name: 'citizen-pays-at-the-grocery',
    anonymous: true,
    context: phone,
    async run(t) {
      const { page } = t;
      await citizenSignIn(t, expect.citizen);
      await t.follow(page.locator('#nav-money'));
      await inKazakh(page);
      await t.layout();
      const voucher = page.locator('li.voucher[data-ledger="food"][data-state="active"]');
      assert.equal(await voucher.count(), 1, 'the funded food voucher is active');
      assert.ok((await voucher.locator('.voucher-amount').innerText()).includes(expect.voucher), 'it holds 1 МРП per member');
      const code = await makeCode(t);
      const paid = await till(expect.grocery, 'walk-1', code, expect.spend);
      assert.equal(paid.status, 200, JSON.stringify(paid.body));
      assert.equal(paid.body.status, 'approved');
      // A pharmacy's till takes a new food code, capped by the citizen:
      // the ledger refuses.
      const second = await makeCode(t, '100');
      const refused = await till(expect.pharmacy, 'walk-rx-1', second, '100');
      assert.equal(refused.status, 422, JSON.stringify(refused.body));
      assert.equal(refused.body.code, 'ledger_mismatch', 'the ledger itself refuses another category');
    },
  },
  {
    name: 'the-rest-expires',
    anonymous: true,
    async run() {
      const res = await fetch(new URL('/test/expire', base), { method: 'POST' });
      assert.equal(res.status, 200, 'the expiry ran');
    },
  },
  {
    name: 'citizen-reads-it-all',
    anonymous: true,
    context: phone,
    async run(t) {
      const { page } = t;
      await citizenSignIn(t, expect.citizen);
      await t.goto('/wallet/money');
      await inKazakh(page);
      await t.layout();
      const voucher = page.locator('li.voucher[data-ledger="food"]').first();
      assert.equal(await voucher.getAttribute('data-state'), 'expired', 'the voucher expired');
      const history = page.locator('#history li.entry');
      const kinds = await history.evaluateAll((els) => els.map((e) => e.dataset.kind));
      for (const k of ['voucher', 'purchase', 'expiry']) assert.ok(kinds.includes(k), `the history tells the ${k}`);
      const purchase = await page.locator('#history li.entry[data-kind="purchase"]').first().innerText();
      assert.ok(purchase.includes(expect.grocery.name), 'the purchase names the grocery');
    },
  },
  {
    name: 'ministry-sees-the-figures',
    anonymous: true,
    async run(t) {
      const { page } = t;
      await officialSignIn(t, expect.policy, '/spending');
      assert.equal(new URL(page.url()).pathname, '/spending');
      await t.layout();
      assert.ok((await page.locator('#by-merchant').innerText()).includes(expect.grocery.name), 'the grocery is among the merchants');
      assert.notEqual((await page.locator('#expired').innerText()).trim().replace(/\D/g, ''), '0', 'money returned at expiry');
      await t.goto('/spending/anomalies');
      await t.layout();
    },
  },
];

await run(steps);
