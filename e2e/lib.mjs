// Shared helpers for ortaq's browser tests: a plain step runner over
// playwright-core and Debian's Chromium, with no test framework.
//
// A spec is a list of steps, each {name, context?, as?, anonymous?, run}
// (as and anonymous choose the session it starts with: see COOKIES in
// run). Every step gets a
// fresh browser context (no cookies, its own viewport), so steps do not
// depend on each other's order; run receives {page, context, goto, follow,
// shot, layout, baseURL}. After each step, passed or failed, the runner
// saves a full-page screenshot OUT_DIR/<name>.png, prints "ok <name>" or
// "FAIL <name>: error", and finally exits 1 if any step failed.
//
// Every page a step reaches through goto or follow (or hands to layout) is
// measured at the step's own size and at each of phoneSizes: no two
// visible texts overlap, nothing scrolls sideways, every tap target is
// large enough, and each heading sits above its own content (see
// checkLayout). The step fails at its end if any page failed, and the page
// is saved as OUT_DIR/<name>-layout-<n>-<width>.png at the size that failed.
//
// Environment: BASE_URL (required) is the console's address, OUT_DIR the
// screenshot folder (default ../test-output/browser), COOKIES a session to
// start every step with (see run), CHROMIUM the browser
// (default /usr/bin/chromium), ONLY a comma-separated list of step names to
// run.

import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
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

// The phone sizes every page is measured at besides the step's own: a
// common phone (390×844, an iPhone 12 to 15) and a small one (360×740).
export const phoneSizes = [{ width: 390, height: 844 }, { width: 360, height: 740 }];

// WCAG 2.2 SC 2.5.8 (Target Size, Minimum): 24 by 24 CSS pixels.
const minTarget = 24;

// measureLayout runs in the page and returns a line per problem with its
// layout at the current viewport size. It must be self-contained: it is
// sent to the page as source text.
//
//   - Overlap: every line of every visible text node (measured with a
//     Range), every absolutely placed ::before or ::after that shows text,
//     and every visible form control or image is a box, cut to what its
//     scrolling or clipping ancestors let show. Two boxes overlap when they
//     share more than 2 px across and a quarter of the lower one's height
//     (glyphs of a tight line may touch their neighbours by a pixel or
//     two). Lines of one text node never count, nor a control and the
//     texts inside it (an element may hold its descendants).
//   - Sideways scroll: the document is no wider than the viewport; the
//     element sticking out furthest is named. Content that scrolls inside
//     its own box (a wide table in an overflow container) is allowed.
//   - Targets: links, buttons, inputs (with their labels, for check boxes
//     and radio buttons), selects, text areas and summaries are at least
//     24×24 px, or have the SC's exceptions: an inline link in a block of
//     text (its height is the line's), or the spacing exception (a 24 px
//     circle centred on it meets no other target and no other small
//     target's circle).
//   - Headings: each visible heading in main is directly followed, below
//     it, by what comes after it in the document, not beside or above it.
function measureLayout(minTarget) {
  const problems = [];
  const vw = document.documentElement.clientWidth;
  const clean = (s) => (s || '').replace(/\s+/g, ' ').trim();
  const cut = (s, n = 40) => (s.length > n ? s.slice(0, n - 1) + '…' : s);
  const name = (el) => {
    if (!el || !el.tagName) return '?';
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    const cls = typeof el.className === 'string' ? el.className.trim() : '';
    if (cls) s += '.' + cls.split(/\s+/).join('.');
    return s;
  };
  const px = (r) => `${Math.round(r.r - r.l)}×${Math.round(r.b - r.t)} at (${Math.round(r.l)},${Math.round(r.t + scrollY)})`;
  const rect = (r) => ({ l: r.left, t: r.top, r: r.right, b: r.bottom });
  const meet = (a, b) => ({ l: Math.max(a.l, b.l), t: Math.max(a.t, b.t), r: Math.min(a.r, b.r), b: Math.min(a.b, b.b) });
  const empty = (r) => r.r - r.l < 1 || r.b - r.t < 1;
  const everywhere = { l: -Infinity, t: -Infinity, r: Infinity, b: Infinity };

  // visible: rendered, not hidden, not transparent (cached per element).
  const seen = new Map();
  const visible = (el) => {
    if (!seen.has(el)) {
      seen.set(el, el.checkVisibility({
        opacityProperty: true, visibilityProperty: true, checkOpacity: true, checkVisibilityCSS: true,
      }));
    }
    return seen.get(el);
  };

  // clipOf: the part of the page an element's content can show in, after
  // its ancestors' overflow and clip (cached per element).
  const clips = new Map();
  const clipOf = (el) => {
    if (!el || el === document.documentElement || el === document.body) return everywhere;
    if (clips.has(el)) return clips.get(el);
    let c = clipOf(el.parentElement);
    const cs = getComputedStyle(el);
    const clipped = cs.clip !== 'auto' && (cs.position === 'absolute' || cs.position === 'fixed');
    if (cs.overflowX !== 'visible' || cs.overflowY !== 'visible' || cs.clipPath !== 'none' || clipped) {
      c = meet(c, rect(el.getBoundingClientRect()));
    }
    // The usual "visually hidden" rule: clip: rect(0 0 0 0).
    if (clipped && /^rect\(0px,? 0px,? 0px,? 0px\)$/.test(cs.clip)) c = { l: 0, t: 0, r: 0, b: 0 };
    clips.set(el, c);
    return c;
  };

  // Boxes of text and controls.
  const boxes = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
    acceptNode: (n) => (/\S/.test(n.data) ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_REJECT),
  });
  const range = document.createRange();
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || el.closest('script, style, noscript, template, select, textarea') || !visible(el)) continue;
    const clip = clipOf(el);
    range.selectNodeContents(n);
    for (const r of range.getClientRects()) {
      const b = meet(rect(r), clip);
      if (!empty(b)) boxes.push({ ...b, key: n, el, text: clean(n.data) });
    }
  }
  for (const el of document.body.querySelectorAll('*')) {
    // Text drawn by ::before or ::after, such as a card's column label.
    for (const which of ['::before', '::after']) {
      const ps = getComputedStyle(el, which);
      if (ps.display === 'none' || !/^["']./.test(ps.content) && !ps.content.startsWith('attr(')) continue;
      if (!visible(el)) continue;
      const cs = getComputedStyle(el);
      if (ps.position !== 'absolute' && ps.position !== 'fixed') {
        // In the flow or floated, the label stays inside its element
        // unless the element's content sticks out of it: then what
        // sticks out is a box that may cover others' text.
        if (cs.display.startsWith('inline') || cs.overflowX !== 'visible' || cs.overflowY !== 'visible') continue;
        if (el.scrollHeight <= el.clientHeight + 1 && el.scrollWidth <= el.clientWidth + 1) continue;
        const r = el.getBoundingClientRect();
        const out = el.scrollHeight > el.clientHeight + 1
          ? { l: r.left, t: r.bottom, r: r.right, b: r.top + el.scrollHeight }
          : { l: r.right, t: r.top, r: r.left + el.scrollWidth, b: r.bottom };
        const b = meet(out, clipOf(el.parentElement));
        if (!empty(b)) boxes.push({ ...b, key: which, el, text: `${which} of ${name(el)}, sticking out of it`, holder: true });
        continue;
      }
      if (cs.position === 'static' && ps.position === 'absolute') continue; // placed against some ancestor: not measured
      const base = ps.position === 'fixed' ? { left: 0, top: 0 } : el.getBoundingClientRect();
      const bl = ps.position === 'fixed' ? 0 : parseFloat(cs.borderLeftWidth);
      const bt = ps.position === 'fixed' ? 0 : parseFloat(cs.borderTopWidth);
      const l = base.left + bl + parseFloat(ps.left) + parseFloat(ps.marginLeft);
      const t = base.top + bt + parseFloat(ps.top) + parseFloat(ps.marginTop);
      const w = parseFloat(ps.width) + parseFloat(ps.paddingLeft) + parseFloat(ps.paddingRight);
      const h = parseFloat(ps.height) + parseFloat(ps.paddingTop) + parseFloat(ps.paddingBottom);
      if (![l, t, w, h].every(Number.isFinite)) continue;
      const b = meet({ l, t, r: l + w, b: t + h }, clipOf(el));
      const label = ps.content.startsWith('attr(') ? el.getAttribute(ps.content.slice(5, -1).trim()) : ps.content.slice(1, -1);
      if (!empty(b)) boxes.push({ ...b, key: `${which}`, el, text: `${which} ${clean(label)}`, pseudo: true });
    }
    if (el.matches('input:not([type=hidden]), select, textarea, img, progress, meter') && visible(el)) {
      const b = meet(rect(el.getBoundingClientRect()), clipOf(el.parentElement));
      if (!empty(b)) boxes.push({ ...b, key: el, el, text: `<${name(el)}>`, control: true });
    }
  }

  // Pairs that overlap, swept from the top down.
  boxes.sort((a, b) => a.t - b.t);
  const overlaps = [];
  for (let i = 0; i < boxes.length; i++) {
    const a = boxes[i];
    for (let j = i + 1; j < boxes.length && boxes[j].t < a.b; j++) {
      const b = boxes[j];
      if (a.key === b.key && a.el === b.el) continue; // lines of one text, or one element's own pseudo-element
      if ((a.control || a.holder) && a.el.contains(b.el) || (b.control || b.holder) && b.el.contains(a.el)) continue;
      const m = meet(a, b);
      const w = m.r - m.l;
      const h = m.b - m.t;
      if (w > 2 && h > 2 && h > 0.25 * Math.min(a.b - a.t, b.b - b.t)) overlaps.push([a, b, m]);
    }
  }
  if (overlaps.length) {
    const say = (x) => `${JSON.stringify(cut(x.text))} in ${name(x.el)}`;
    problems.push(`${overlaps.length} overlapping text boxes, first: ` +
      overlaps.slice(0, 4).map(([a, b, m]) => `${say(a)} overlaps ${say(b)} (${px(m)})`).join('; '));
  }

  // Sideways scroll.
  const sw = document.documentElement.scrollWidth;
  if (sw > window.innerWidth) {
    let worst = null;
    let right = vw;
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      const shown = meet(rect(r), clipOf(el.parentElement));
      if (shown.r > right + 0.5 && visible(el)) {
        right = shown.r;
        worst = el;
      }
    }
    problems.push(`scrolls sideways: the page is ${sw} px wide in a ${window.innerWidth} px viewport` +
      (worst ? `; ${name(worst)} reaches ${Math.round(right)} px` : ''));
  }

  // Tap targets.
  const targets = [];
  for (const el of document.body.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary')) {
    if (!visible(el)) continue;
    let box = meet(rect(el.getBoundingClientRect()), clipOf(el.parentElement));
    if (el.matches('input[type=checkbox], input[type=radio]')) {
      // A check box's label takes the tap too.
      for (const lab of el.labels || []) {
        const r = meet(rect(lab.getBoundingClientRect()), clipOf(lab.parentElement));
        if (!empty(r)) box = { l: Math.min(box.l, r.l), t: Math.min(box.t, r.t), r: Math.max(box.r, r.r), b: Math.max(box.b, r.b) };
      }
    }
    if (empty(box)) continue;
    targets.push({ el, box, small: box.r - box.l < minTarget - 0.5 || box.b - box.t < minTarget - 0.5 });
  }
  const inText = (el) => {
    if (getComputedStyle(el).display !== 'inline') return false;
    let block = el.parentElement;
    while (block && getComputedStyle(block).display.startsWith('inline')) block = block.parentElement;
    if (!block) return false;
    const rest = block.cloneNode(true);
    for (const t of rest.querySelectorAll('a[href], button, input, select, textarea, summary, .vh')) t.remove();
    return /\S/.test(rest.textContent);
  };
  const centre = (b) => ({ x: (b.l + b.r) / 2, y: (b.t + b.b) / 2 });
  const distToBox = (p, b) => Math.hypot(Math.max(b.l - p.x, 0, p.x - b.r), Math.max(b.t - p.y, 0, p.y - b.b));
  const small = [];
  for (const t of targets) {
    if (!t.small || (t.el.matches('a') && inText(t.el))) continue;
    const c = centre(t.box);
    const hit = targets.find((u) => u !== t && !u.el.contains(t.el) && !t.el.contains(u.el) &&
      (distToBox(c, u.box) < minTarget / 2 - 0.5 ||
        (u.small && Math.hypot(c.x - centre(u.box).x, c.y - centre(u.box).y) < minTarget - 0.5)));
    if (hit) small.push(`${name(t.el)} ${JSON.stringify(cut(clean(t.el.innerText || t.el.value || t.el.getAttribute('aria-label') || '')))} ${px(t.box)}, too near ${name(hit.el)}`);
  }
  if (small.length) {
    problems.push(`${small.length} tap targets under ${minTarget}×${minTarget} px without room around them: ${small.slice(0, 4).join('; ')}`);
  }

  // Headings above their content.
  const misplaced = [];
  for (const h of document.querySelectorAll('main h1, main h2, main h3, main h4')) {
    if (!visible(h)) continue;
    let next = h.nextElementSibling;
    while (next && !visible(next)) next = next.nextElementSibling;
    if (!next) continue;
    const hb = h.getBoundingClientRect();
    const nb = next.getBoundingClientRect();
    if (nb.top < hb.bottom - 2) {
      misplaced.push(`${JSON.stringify(cut(clean(h.innerText)))} (${name(h)}) has ${name(next)} ${JSON.stringify(cut(clean(next.innerText), 30))} ${nb.bottom <= hb.top ? 'above' : 'beside'} it`);
    }
  }
  if (misplaced.length) problems.push(`headings not above their content: ${misplaced.slice(0, 4).join('; ')}`);
  return problems;
}

// layoutProblems measures the page at its current size (see measureLayout).
export function layoutProblems(page) {
  return page.evaluate(measureLayout, minTarget);
}

// checkLayout measures the page at its own size and at each of sizes, and
// returns a line per problem, each naming the page and the size. The page
// is put back to its own size afterwards. onFail(size) is called at a size
// that failed, before the size is put back (to save a screenshot).
export async function checkLayout(page, what, { sizes = phoneSizes, onFail } = {}) {
  const own = page.viewportSize();
  const all = [own, ...sizes.filter((s) => s.width !== own.width || s.height !== own.height)];
  const found = [];
  try {
    for (const size of all) {
      const now = page.viewportSize();
      if (size.width !== now.width || size.height !== now.height) await page.setViewportSize(size);
      // Two frames: the new size is laid out.
      await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
      const got = await layoutProblems(page);
      if (got.length) {
        found.push(...got.map((p) => `${what} at ${size.width}×${size.height}: ${p}`));
        await onFail?.(size);
      }
    }
  } finally {
    await page.setViewportSize(own);
  }
  return found;
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

// submit clicks a form's button and waits for the page the form leads to,
// after any redirect; it asserts that page's status.
export async function submit(page, button, { status = 200 } = {}) {
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.request().isNavigationRequest() && r.frame() === page.mainFrame() &&
      !(r.status() >= 300 && r.status() < 400)),
    button.click(),
  ]);
  await page.waitForLoadState('load');
  assert.equal(res.status(), status, `${res.request().method()} ${res.url()}: status ${res.status()}, want ${status}`);
  return res;
}

// readCode opens the demo's SMS outbox in another tab and returns the
// code of the newest message to the citizen's phone.
export async function readCode(context, baseURL, me) {
  const sms = await context.newPage();
  try {
    const res = await sms.goto(baseURL + '/wallet/sms');
    assert.equal(res.status(), 200, '/wallet/sms');
    const body = await sms.locator('ol.sms li').filter({ hasText: me.phone }).first().locator('.sms-body').innerText();
    const m = body.match(/\b(\d{6})\b/);
    assert.ok(m, `no code in the text message ${JSON.stringify(body)}`);
    return m[1];
  } finally {
    await sms.close();
  }
}

// askForCode fills in the IIN on the sign-in page and sends the form; the
// page then asks for the code.
export async function askForCode(page, me) {
  await page.locator('#iin').fill(me.iin);
  await submit(page, page.locator('form.signin button[type="submit"]'));
  await page.locator('#code').waitFor();
}

// citizenSignIn signs the citizen me ({iin, phone}) in to the wallet from
// a fresh context, reading the code from the demo's SMS outbox, and
// returns the code it used; the page is then on /wallet.
export async function citizenSignIn(t, me) {
  const { page, context, baseURL } = t;
  await t.goto('/wallet/sign-in');
  await askForCode(page, me);
  await t.layout();
  const code = await readCode(context, baseURL, me);
  await page.locator('#code').fill(code);
  await submit(page, page.locator('form.signin button[type="submit"]'));
  assert.equal(new URL(page.url()).pathname, '/wallet', 'signed in, on my data');
  await t.layout();
  return code;
}

// base32 decodes RFC 4648 base32 without padding.
function base32(s) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const c of s.replace(/=+$/, '').toUpperCase()) {
    value = (value << 5) | alphabet.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

// totp is the RFC 6238 code (SHA-1, 30 s, 6 digits) of secret at now, as
// the official's authenticator app shows it.
export function totp(secret, now = Date.now()) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(now / 1000 / 30)));
  const mac = createHmac('sha1', base32(secret)).update(counter).digest();
  const at = mac[mac.length - 1] & 0x0f;
  const n = (mac.readUInt32BE(at) & 0x7fffffff) % 1_000_000;
  return String(n).padStart(6, '0');
}

// officialSignIn signs official o ({login, password, secret}) in to the
// console from the sign-in page the console address path redirects to,
// and lands where it was going. A code signs in once: sign each official
// in once per 30 seconds.
export async function officialSignIn(t, o, path) {
  const { page } = t;
  await t.goto(path);
  assert.equal(new URL(page.url()).pathname, '/sign-in', `${path} without a session shows the sign-in page`);
  await page.locator('#login').fill(o.login);
  await page.locator('#password').fill(o.password);
  await page.locator('#code').fill(totp(o.secret));
  await submit(page, page.locator('form.signin button[type="submit"]'));
}

// stateCase fills in the case page ({ref, reason}) that the first look
// at a person leads to, and goes on to that look.
export async function stateCase(t, c) {
  const { page } = t;
  assert.equal(new URL(page.url()).pathname, '/case', 'reading a person asks for a case first');
  await page.locator('#case').fill(c.ref);
  await page.locator('#reason').selectOption(c.reason);
  await t.layout();
  await submit(page, page.locator('form.signin button[type="submit"]'));
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
  // COOKIES ({key: [{name, value}]}, JSON) are signed-in officials'
  // sessions: each step's context starts with the one its as names (the
  // default one when it names none), and anonymous steps with none.
  const cookies = JSON.parse(process.env.COOKIES || '{}');
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
      const jar = s.anonymous ? [] : cookies[s.as || 'default'] || [];
      if (s.as && !jar.length) throw new Error(`step ${s.name}: no session for ${s.as} in COOKIES`);
      if (jar.length) {
        // By domain and path: Chromium refuses a __Host- cookie given
        // with a plain-HTTP url, even for this machine.
        const domain = new URL(baseURL).hostname;
        await context.addCookies(jar.map((c) => ({ ...c, domain, path: '/', secure: true, httpOnly: true, sameSite: 'Lax' })));
      }
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      const problems = watch(page, baseURL);
      // layout measures the page as it is now (see checkLayout), once per
      // address and language in a step; what it finds fails the step at
      // its end, so that one run lists every page's problems.
      const measured = new Set();
      let failedLayouts = 0;
      const layout = async (p = page) => {
        const { pathname, search } = new URL(p.url());
        const what = pathname + search;
        const key = `${what} ${await p.evaluate(() => document.documentElement.lang)}`;
        if (measured.has(key)) return;
        measured.add(key);
        const found = await checkLayout(p, what, {
          onFail: (size) => screenshot(p, outDir, `${s.name}-layout-${++failedLayouts}-${size.width}`),
        });
        problems.push(...found);
      };
      const t = {
        page,
        context,
        baseURL,
        goto: async (p, opts) => {
          const res = await goto(page, baseURL, p, opts);
          await layout();
          return res;
        },
        follow: async (link, opts) => {
          const res = await follow(page, link, opts);
          await layout();
          return res;
        },
        layout,
        // shot saves an extra screenshot, <step>-<suffix>.png.
        shot: (suffix) => screenshot(page, outDir, `${s.name}-${suffix}`),
      };
      let err;
      try {
        await s.run(t);
        if (problems.length) assert.fail(`the pages had ${problems.length} problems:\n  ${problems.join('\n  ')}`);
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
