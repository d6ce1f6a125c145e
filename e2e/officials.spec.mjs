// Browser tests of officials' access: node e2e/officials.spec.mjs
//
// Run by the Go test TestBrowserOfficials (internal/web/browser_officials_test.go),
// which serves the demo nation with the wallet and sets BASE_URL, OUT_DIR
// and EXPECT: two officials (a data officer of an agency that holds the
// citizen's records, and one of an agency that holds none), an auditor,
// each with a password and the secret of their authenticator app, and the
// citizen with the phone their sign-in code goes to. Every step starts
// anonymous and signs in itself.
//
// The steps run in order and build on each other: the look the first
// step takes is what the citizen finds, the break-glass the third takes is
// what the auditor reviews.

import assert from 'node:assert/strict';
import { citizenSignIn, officialSignIn, run, stateCase as stateCaseAs, submit } from './lib.mjs';

const expect = JSON.parse(process.env.EXPECT || 'null');
assert.ok(expect, 'EXPECT is not set (the Go test TestBrowserOfficials sets it)');
const text = (l, key) => expect.text[l][key];
const pathname = (page) => new URL(page.url()).pathname;

// signIn signs official o in from the sign-in page a console address
// redirects to, and lands where it was going.
const signIn = officialSignIn;

// stateCase fills in the case page the first look at a person leads to.
const stateCase = (t) => stateCaseAs(t, expect.case);

const personPath = `/entities/${expect.person.id}`;

const steps = [
  {
    name: 'official-reads-citizen',
    anonymous: true,
    async run(t) {
      const { page } = t;
      await signIn(t, expect.officer, personPath);
      await stateCase(t);
      assert.equal(pathname(page), personPath, 'the case leads on to the person');
      assert.ok((await page.locator('main').innerText()).includes(expect.person.iin), 'the person page shows the IIN');
      const who = await page.locator('header .who').innerText();
      assert.ok(who.includes(expect.case.ref), `the header names the case: ${who}`);
      await t.layout();
    },
  },
  {
    name: 'citizen-sees-the-look',
    anonymous: true,
    async run(t) {
      const { page } = t;
      await citizenSignIn(t, expect.citizen);
      await t.goto('/wallet/access');
      const first = page.locator('ol.accesses li').first();
      const entry = await first.innerText();
      for (const want of [expect.officer.agencyName, expect.case.ref, text('kk', 'reason')]) {
        assert.ok(entry.includes(want), `the newest access lacks ${JSON.stringify(want)}:\n${entry}`);
      }
      assert.ok(!entry.includes(expect.officer.login), 'the official\'s login stays with the auditors');
    },
  },
  {
    name: 'other-agency-refused',
    anonymous: true,
    async run(t) {
      const { page } = t;
      await signIn(t, expect.stranger, '/case');
      await page.locator('#case').fill(expect.case.ref + '-bg');
      await submit(page, page.locator('form.signin button[type="submit"]'));
      await t.goto(personPath, { status: 403 });
      assert.ok(!(await page.locator('main').innerText()).includes(expect.person.iin), 'the refusal shows no IIN');
      await page.locator('#reason').fill('The citizen called the hotline; their record is needed to answer.');
      await t.layout();
      const res = await submit(page, page.locator('form[action="/break-glass"] button[type="submit"]'));
      assert.equal(pathname(page), personPath, 'break-glass opens the person');
      assert.equal(res.status(), 200);
    },
  },
  {
    name: 'auditor-reviews',
    anonymous: true,
    async run(t) {
      const { page } = t;
      await signIn(t, expect.auditor, '/reviews');
      assert.equal(pathname(page), '/reviews');
      const rows = page.locator('tbody tr').filter({ hasText: expect.stranger.login });
      assert.ok(await rows.count() >= 1, 'the break-glass access is listed for review');
      await t.layout();
      await submit(page, rows.first().locator('button[value="justified"]'));
      assert.equal(await page.locator('tbody tr').filter({ hasText: expect.stranger.login }).count(), 0, 'reviewed grants leave the pending list');
      // Every access to the citizen, the officials named: the page a
      // phone shows too (the runner measures it).
      await t.goto(`/audit?subject=${expect.person.iin}`);
      const audited = await page.locator('tbody tr').allInnerTexts();
      assert.ok(audited.some((r) => r.includes(expect.officer.login)), 'the officer\'s look, named for the auditor');
      assert.ok(audited.some((r) => r.includes(expect.stranger.login)), 'the break-glass look, named for the auditor');
    },
  },
];

await run(steps);
