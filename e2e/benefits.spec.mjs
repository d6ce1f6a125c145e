// Browser walk of benefits, the done-when: node e2e/benefits.spec.mjs
//
// Run by the Go test TestBrowserBenefits (internal/web/browser_benefits_test.go),
// which serves the demo nation with every household decided, the wallet
// and the console, and sets BASE_URL, OUT_DIR and EXPECT: a citizen with
// an open offer, another whose household a programme refused, two
// social-protection officers and a policy officer of the administering
// agency (each with a password and the secret of their authenticator app),
// the case the officers work on, and the texts the people type.
//
// Everything happens in Kazakh (the browser asks for kk-KZ) on a phone,
// and every page is measured for overlapping text, sideways scrolling and
// small tap targets at the phone sizes (lib.mjs). The steps run in order
// and build on each other: the officer confirms the offer the citizen
// accepted, and answers the appeal the other citizen filed, who then reads
// the answer. Last, the ministry's policy officer reads the programme
// totals, the rules and well-being, and simulates a reform (МРП +5 %).

import assert from 'node:assert/strict';
import { citizenSignIn, officialSignIn, run, stateCase, submit } from './lib.mjs';

const expect = JSON.parse(process.env.EXPECT || 'null');
assert.ok(expect, 'EXPECT is not set (the Go test TestBrowserBenefits sets it)');
const phone = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const pathname = (page) => new URL(page.url()).pathname;
const offerID = expect.citizen.offer;

// What one step leaves for the next: the appeal the citizen filed and the
// rule the officer's answer cited.
let appealID = 0;
let citedRule = '';

// inKazakh asserts the page is in Kazakh.
async function inKazakh(page) {
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'kk', `${page.url()} is not in Kazakh`);
}

const steps = [
  {
    name: 'citizen-accepts-offer',
    anonymous: true,
    context: phone,
    async run(t) {
      const { page } = t;
      await citizenSignIn(t, expect.citizen);
      await t.goto('/wallet/benefits');
      await inKazakh(page);
      const offer = page.locator(`#offer-${offerID}`);
      assert.equal(await offer.getAttribute('data-status'), 'offered', 'the offer waits for the citizen');
      // The explanation: the rule, the facts with where they came from.
      await t.follow(offer.locator('a.why'));
      assert.equal(pathname(page), `/wallet/benefits/${expect.citizen.decision}/${expect.citizen.programme}`);
      assert.equal(await page.locator('#explain').getAttribute('data-eligible'), 'true', 'the offer rests on an eligible decision');
      assert.ok(await page.locator('#explain-rule').count(), 'the explanation names the rule');
      assert.ok(await page.locator('#explain-facts li.fact').count() > 0, 'the explanation lists the facts');
      await t.goto('/wallet/benefits');
      await submit(page, page.locator(`#offer-${offerID} form.accept button[type="submit"]`));
      await t.layout();
      assert.equal(await page.locator(`#offer-${offerID}`).getAttribute('data-status'), 'accepted', 'accepted');
    },
  },
  {
    name: 'officer-confirms-offer',
    anonymous: true,
    context: phone,
    async run(t) {
      const { page } = t;
      await officialSignIn(t, expect.officer, '/benefits/queue');
      await stateCase(t, expect.case);
      assert.equal(pathname(page), '/benefits/queue', 'the case leads on to the queue');
      await inKazakh(page);
      await t.layout();
      const row = page.locator(`#offer-${offerID}`);
      assert.equal(await row.count(), 1, 'the accepted offer is in the queue');
      assert.ok((await row.innerText()).includes(expect.citizen.iin), 'the queue names the citizen');
      await t.follow(row.locator('a').first());
      assert.equal(pathname(page), `/benefits/offers/${offerID}`);
      assert.ok(await page.locator('#decision-summary').count(), 'the officer reads the decision explained');
      await page.locator('#note').fill(expect.note);
      await t.layout();
      await submit(page, page.locator('#offer-form button[value="confirm"]'));
      await t.layout();
      assert.equal(await page.locator('#offer-status').getAttribute('data-status'), 'confirmed', 'confirmed');
    },
  },
  {
    name: 'citizen-sees-confirmation',
    anonymous: true,
    context: phone,
    async run(t) {
      const { page } = t;
      await citizenSignIn(t, expect.citizen);
      await t.goto('/wallet/benefits');
      const offer = page.locator(`#offer-${offerID}`);
      assert.equal(await offer.getAttribute('data-status'), 'confirmed', 'the citizen sees the benefit assigned');
      assert.ok((await offer.innerText()).includes(expect.note), 'with the officer\'s note');
    },
  },
  {
    name: 'citizen-appeals-refusal',
    anonymous: true,
    context: phone,
    async run(t) {
      const { page } = t;
      const a = expect.appellant;
      await citizenSignIn(t, a);
      await t.goto(`/wallet/benefits/${a.decision}/${a.programme}`);
      await inKazakh(page);
      assert.equal(await page.locator('#explain').getAttribute('data-eligible'), 'false', 'the decision is a refusal');
      await t.follow(page.locator('#appeal-button'));
      await page.locator('#reason').fill(expect.reason);
      await t.layout();
      await submit(page, page.locator('#appeal-form button[type="submit"]'));
      const m = new URL(page.url()).hash.match(/^#appeal-(\d+)$/);
      assert.ok(m, `the wallet leads to the new appeal: ${page.url()}`);
      appealID = Number(m[1]);
      const appeal = page.locator(`#appeal-${appealID}`);
      assert.equal(await appeal.getAttribute('data-status'), 'open', 'the appeal is open');
      assert.ok((await appeal.innerText()).includes(expect.reason), 'with the citizen\'s reason');
      await t.layout();
    },
  },
  {
    name: 'officer-answers-appeal',
    anonymous: true,
    context: phone,
    async run(t) {
      const { page } = t;
      assert.ok(appealID, 'no appeal was filed in the step before');
      await officialSignIn(t, expect.answerer, '/benefits/queue');
      await stateCase(t, expect.case);
      assert.equal(pathname(page), '/benefits/queue');
      const row = page.locator(`#appeal-${appealID}`);
      assert.equal(await row.count(), 1, 'the appeal is in the queue');
      await t.follow(row.locator('a').first());
      assert.equal(pathname(page), `/benefits/appeals/${appealID}`);
      await inKazakh(page);
      assert.ok((await page.locator('#appeal-reason').innerText()).includes(expect.reason), 'the officer reads the reason');
      assert.ok(await page.locator('#decision-summary').count(), 'and the decision explained');
      await page.locator('#answer').fill(expect.answer);
      citedRule = await page.locator('#rule option').first().getAttribute('value');
      assert.ok(citedRule, 'the form offers the programme\'s rules to cite');
      await page.locator('#rule').selectOption(citedRule);
      await page.locator('input[name="outcome"][value="upheld"]').check();
      await page.locator('#redecide').check();
      await t.layout();
      await submit(page, page.locator('#answer-form button[type="submit"]'));
      await t.layout();
      assert.equal(await page.locator('#appeal-status').getAttribute('data-status'), 'answered', 'answered');
      assert.ok((await page.locator('#appeal-answer').innerText()).includes(expect.answer), 'the answer is recorded');
    },
  },
  {
    name: 'citizen-reads-answer',
    anonymous: true,
    context: phone,
    async run(t) {
      const { page } = t;
      assert.ok(appealID && citedRule, 'the appeal was not answered in the steps before');
      await citizenSignIn(t, expect.appellant);
      await t.goto('/wallet/benefits');
      const appeal = page.locator(`#appeal-${appealID}`);
      assert.equal(await appeal.getAttribute('data-status'), 'answered', 'the citizen sees the appeal answered');
      assert.ok((await appeal.locator('.appeal-answer').innerText()).includes(expect.answer), 'with the officer\'s reasons');
      assert.ok((await appeal.locator('.appeal-rule').innerText()).includes(citedRule), 'citing the rule');
    },
  },
  {
    name: 'policy-officer-ministry-pages',
    anonymous: true,
    context: phone,
    async run(t) {
      const { page } = t;
      // Another official, so another authenticator code.
      await officialSignIn(t, expect.policy, '/benefits');
      assert.equal(pathname(page), '/benefits', 'the sign-in leads on to the totals');
      await inKazakh(page);
      await t.layout();
      assert.ok(await page.locator('#monthly-sum').count(), 'the totals show the monthly sum');
      for (const path of ['/benefits/rules', '/wellbeing']) {
        await t.goto(path);
        await inKazakh(page);
      }
      assert.ok(await page.locator('#m0').count(), 'well-being shows M0');
      await t.goto('/benefits/simulate');
      await inKazakh(page);
      await page.locator('#sim-name').selectOption('MRP');
      await page.locator('#sim-mode').selectOption('percent');
      await page.locator('#sim-value').fill('5');
      await submit(page, page.locator('#simulate-form button[type="submit"]'));
      await t.layout();
      assert.ok((await page.locator('#sim-change').innerText()).trim(), 'the simulation says what changed');
      assert.ok((await page.locator('#sim-delta').innerText()).trim(), 'and what it costs');
      // A sum in tenge is read whole: it must not break over two lines.
      const broken = await page.locator('.stats.money .num').evaluateAll((els) => els.filter((el) => {
        const r = document.createRange();
        r.selectNodeContents(el);
        return new Set([...r.getClientRects()].map((b) => Math.round(b.top))).size > 1;
      }).map((el) => el.textContent));
      assert.deepEqual(broken, [], 'sums in tenge broken over two lines');
    },
  },
];

await run(steps);
