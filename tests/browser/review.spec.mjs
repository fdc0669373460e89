// End-to-end test of the amur review page in a real browser: Debian's chromium, headless,
// driven by playwright-core. Run by .ci/browser-test, which prepares these inputs:
//
//   AMUR_BIN      the amur binary
//   REVIEW_HTML   `amur align ZH EN -o SAMPLE_TMX --review REVIEW_HTML` of the largest sample, its fifth English line dropped (see .ci/browser-test)
//   SAMPLE_TMX    the TMX of that run
//   SAMPLE_JSON   `amur align ZH EN -o SAMPLE_JSON` of the same sample (another run: the
//                 aligner's confidences can differ slightly from run to run)
//   TMX_DTD       the TMX 1.4 DTD (from OmegaT), to validate saved TMX with xmllint
//   OUT_DIR       where downloads, generated pages and the screenshot (review.png) go
//   CHROMIUM      the browser [default /usr/bin/chromium]
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { launch } from './chromium.mjs';

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (run .ci/browser-test)`);
  return v;
};
const AMUR = env('AMUR_BIN');
const REVIEW_HTML = env('REVIEW_HTML');
const SAMPLE_JSON = env('SAMPLE_JSON');
const SAMPLE_TMX = env('SAMPLE_TMX');
const TMX_DTD = env('TMX_DTD');
const OUT = env('OUT_DIR');
const LOAD_LIMIT_MS = 1000;

const sample = JSON.parse(fs.readFileSync(SAMPLE_JSON, 'utf8'));
// The data embedded in the page, read here without the page's script.
const embedded = (() => {
  const html = fs.readFileSync(REVIEW_HTML, 'utf8');
  const m = html.match(/<script type="application\/json" id="amur-data">([^<]*)<\/script>/);
  assert.ok(m, 'embedded data');
  return JSON.parse(m[1]);
})();
const fullBeads = embedded.beads.filter((b) => b.zh[1] > b.zh[0] && b.en[1] > b.en[0]).length;
let context;
let userDataDir;

before(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'amur-chromium-'));
  context = await launch(userDataDir);
  // Start the renderer once, so that the timings below are the page's, not the browser's.
  const warm = await context.newPage();
  await warm.goto('about:blank');
  await warm.close();
});

after(async () => {
  await context?.close();
  if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
});

/** Opens a page file; returns the page, the wall-clock load time and what it fetched. */
async function open(file) {
  const page = await context.newPage();
  const fetched = [];
  const errors = [];
  page.on('request', (r) => {
    if (!/^(file|blob|data):/.test(r.url())) fetched.push(r.url());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  const t0 = Date.now();
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
  // One frame painted after the script finished.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));
  const wallMs = Date.now() - t0;
  const readyMs = await page.evaluate(() => window.amurReview.readyMs);
  return { page, wallMs, readyMs, fetched, errors };
}

function levelOf(c) {
  return c >= 0.9 ? 'hi' : c >= 0.5 ? 'mid' : 'lo';
}

/** Every sentence of both sides in exactly one bead, in order, and the page showing it. */
async function assertIntact(page, zh, en) {
  const beads = await page.evaluate(() => window.amurReview.beads());
  assert.deepEqual(beads.flatMap((b) => b.zh), zh, 'Chinese sentences in order, each once');
  assert.deepEqual(beads.flatMap((b) => b.en), en, 'English sentences in order, each once');
  for (const b of beads) assert.ok(b.zh.length + b.en.length > 0, 'no empty bead');
  // The DOM, read independently of the page's own check.
  const shown = await page.$$eval('#beads > .bead', (rows) => rows.map((r) => ({
    zh: [...r.querySelectorAll('.side.zh .s')].map((s) => s.textContent),
    en: [...r.querySelectorAll('.side.en .s')].map((s) => s.textContent),
    num: r.querySelector('.num').textContent,
  })));
  assert.equal(shown.length, beads.length, 'one row per bead');
  shown.forEach((row, i) => {
    assert.deepEqual(row.zh, beads[i].zh, `row ${i} Chinese`);
    assert.deepEqual(row.en, beads[i].en, `row ${i} English`);
    assert.equal(row.num, `#${i + 1}`);
  });
  assert.deepEqual(await page.evaluate(() => window.amurReview.verify()), []);
}

/** Clicks a button and saves the downloads it starts (`count` of them) into OUT. */
async function downloads(page, selector, count) {
  const got = [];
  const done = new Promise((resolve) => {
    page.on('download', async (d) => {
      const file = path.join(OUT, d.suggestedFilename());
      await d.saveAs(file);
      got.push(file);
      if (got.length === count) resolve();
    });
  });
  await page.click(selector);
  await done;
  return got.sort();
}

function validateTmx(file) {
  execFileSync('xmllint', ['--noout', '--dtdvalid', TMX_DTD, file], { stdio: 'pipe' });
}

const undated = (tmx) => tmx.replace(/creationdate="\d{8}T\d{6}Z"/g, 'creationdate="D"');

test('the largest sample opens fast, all beads coloured by confidence, nothing fetched', async () => {
  const { page, wallMs, readyMs, fetched, errors } = await open(REVIEW_HTML);
  console.log(`# sample page (${embedded.beads.length} beads): ready ${readyMs.toFixed(0)} ms after navigation start, ${wallMs} ms wall clock to first paint`);
  assert.ok(readyMs < LOAD_LIMIT_MS, `ready after ${readyMs} ms`);
  assert.ok(wallMs < LOAD_LIMIT_MS, `loaded in ${wallMs} ms`);
  assert.deepEqual(fetched, []);
  assert.deepEqual(errors, []);
  const rows = await page.$$eval('#beads > .bead', (rs) => rs.map((r) => ({
    cls: r.className,
    conf: r.querySelector('.conf').textContent,
    border: getComputedStyle(r).borderLeftColor,
  })));
  assert.equal(rows.length, embedded.beads.length);
  const colours = { hi: 'rgb(46, 125, 50)', mid: 'rgb(178, 106, 0)', lo: 'rgb(198, 40, 40)' };
  rows.forEach((r, i) => {
    const c = embedded.beads[i].confidence;
    const level = levelOf(c);
    assert.ok(r.cls.split(' ').includes(level), `bead ${i}: ${r.cls} for ${c}`);
    assert.equal(r.border, colours[level]);
  });
  assert.ok(rows.some((r) => !r.cls.includes(' hi')), 'the sample has some weak beads');
  assert.match(await page.textContent('.legend'), /0\.9.*0\.5/s);
  await page.close();
});

test('the TMX and JSON the page builds equal what amur writes', async () => {
  const { page } = await open(REVIEW_HTML);
  const tmx = await page.evaluate(() => window.amurReview.tmx(new Date(Date.UTC(2024, 0, 2, 3, 4, 5))));
  assert.deepEqual(undated(tmx).split('\n'), undated(fs.readFileSync(SAMPLE_TMX, 'utf8')).split('\n'));
  // The JSON of another run: the same shape and beads (confidences can differ between runs by
  // a few thousandths, so they are compared with the page's own data).
  const json = JSON.parse(await page.evaluate(() => window.amurReview.json()));
  const strip = (d) => ({
    zh_sentences: d.zh_sentences,
    en_sentences: d.en_sentences,
    beads: d.beads.map(({ id, zh_ids, en_ids, zh, en, type, zh_paragraph, en_paragraph }) =>
      ({ id, zh_ids, en_ids, zh, en, type, zh_paragraph, en_paragraph })),
  });
  assert.deepEqual(strip(json), strip(sample));
  json.beads.forEach((b, i) => {
    assert.equal(b.confidence, Math.round(embedded.beads[i].confidence * 1000) / 1000);
  });
  const keys = Object.keys(sample.beads[0]);
  assert.deepEqual(Object.keys(json.beads[0]).slice(0, keys.length), keys);
  await page.close();
});

test('keys: navigate, weak beads, check, split, move, merge, undo, help', async () => {
  const { page } = await open(REVIEW_HTML);
  const R = (f, ...a) => page.evaluate(([f, a]) => window.amurReview[f](...a), [f, a]);
  const { zh, en } = await page.evaluate(() => window.amurReview.sentences);
  const n = embedded.beads.length;
  assert.equal(await R('current'), 0);
  await page.keyboard.press('j');
  await page.keyboard.press('ArrowDown');
  assert.equal(await R('current'), 2);
  await page.keyboard.press('k');
  assert.equal(await R('current'), 1);
  assert.equal(await page.$$eval('.bead.current', (r) => r.length), 1);

  // n goes to the next weak bead (below 0.9 by default), c marks it checked.
  const weak = embedded.beads.map((b, i) => [b.confidence, i]).filter(([c]) => c < 0.9).map(([, i]) => i);
  await page.keyboard.press('n');
  const first = await R('current');
  assert.equal(first, weak.find((i) => i > 1) ?? weak[0]);
  await page.keyboard.press('c');
  const checked = await R('bead', first);
  assert.equal(checked.checked, true);
  assert.equal(checked.confidence, 1);
  assert.ok(await page.$eval('.bead.current', (r) => r.classList.contains('checked')));

  // Weak-only filter hides the others (the current bead stays until the cursor leaves it).
  await page.keyboard.press('w');
  await page.keyboard.press('n');
  const visible = await page.$$eval('#beads > .bead:not(.hidden)', (r) => r.length);
  assert.equal(visible, weak.length - 1);
  await page.fill('#threshold', '0');
  assert.equal(await page.$$eval('#beads > .bead:not(.hidden)', (r) => r.length), 1);
  await page.fill('#threshold', '0.9');
  await page.click('#weak-only');
  assert.equal(await page.$$eval('#beads > .bead:not(.hidden)', (r) => r.length), n);

  // Split a bead with two sentences on a side: s, move the English cut, Enter.
  const beads = await R('beads');
  const target = beads.findIndex((b) => b.en.length >= 2 && b.zh.length >= 1);
  assert.ok(target >= 0);
  await R('select', target);
  await page.keyboard.press('s');
  assert.equal(await page.$$eval('.bead.splitting .gap.cut', (g) => g.length), 2);
  await page.keyboard.press('l'); // English side
  await page.keyboard.press('Home'); // ignored in split mode
  await page.keyboard.press('Enter');
  assert.equal(await R('count'), n + 1);
  const [a, b] = [await R('bead', target), await R('bead', target + 1)];
  assert.deepEqual([...a.en, ...b.en], beads[target].en);
  assert.ok(a.en.length >= 1 && b.en.length >= 1);

  // Move the last English sentence of the first part down, then back up.
  await R('select', target);
  await page.keyboard.press('l');
  await page.keyboard.press(']');
  assert.equal((await R('bead', target + 1)).en.length, b.en.length + 1);
  await page.keyboard.press('j');
  await page.keyboard.press('[');
  assert.equal((await R('bead', target + 1)).en.length, b.en.length);

  // m merges, u undoes.
  const before = await R('count');
  await R('select', 0);
  await page.keyboard.press('m');
  assert.equal(await R('count'), before - 1);
  await page.keyboard.press('u');
  assert.equal(await R('count'), before);
  await assertIntact(page, zh, en);

  // ? shows the help, Escape hides it.
  await page.keyboard.press('?');
  assert.ok(await page.isVisible('#help'));
  await page.keyboard.press('Escape');
  assert.ok(!(await page.isVisible('#help')));
  await page.close();
});

test('merge two beads and save: valid TMX 1.4, JSON that amur review reads back', async () => {
  const { page } = await open(REVIEW_HTML);
  const n = await page.evaluate(() => window.amurReview.count());
  const b0 = await page.evaluate(() => window.amurReview.bead(0));
  const b1 = await page.evaluate(() => window.amurReview.bead(1));
  await page.click('#beads > .bead:nth-child(1) .side.en');
  await page.click('button[data-act="merge"]');
  assert.equal(await page.$$eval('#beads > .bead', (r) => r.length), n - 1);
  await page.keyboard.press('j');
  await page.keyboard.press('c');
  const files = await downloads(page, '#save', 2);
  const tmxFile = files.find((f) => f.endsWith('.tmx'));
  const jsonFile = files.find((f) => f.endsWith('.json'));
  assert.ok(tmxFile && jsonFile, files.join(', '));
  fs.copyFileSync(tmxFile, path.join(OUT, 'downloaded.tmx'));
  validateTmx(tmxFile);
  const tmx = fs.readFileSync(tmxFile, 'utf8');
  const merged = `${b0.zh.join('')}${b1.zh.join('')}`;
  assert.ok(tmx.includes(`<seg>${merged}</seg>`), 'merged Chinese in one seg');
  assert.ok(tmx.includes(`<prop type="x-bead">${b0.zh.length + b1.zh.length}-${b0.en.length + b1.en.length}</prop>`));
  assert.equal((tmx.match(/<prop type="x-checked">yes<\/prop>/g) || []).length, 1);
  assert.equal((tmx.match(/<tu /g) || []).length, fullBeads - 1);

  const saved = JSON.parse(fs.readFileSync(jsonFile, 'utf8'));
  assert.equal(saved.beads.length, n - 1);
  assert.equal(saved.beads[1].checked, true);
  assert.equal(saved.beads[1].confidence, 1);
  assert.equal(saved.zh_sentences, embedded.zh.length);
  // Back through amur review: the same beads, the checked one still checked.
  const again = path.join(OUT, 'again.html');
  execFileSync(AMUR, ['review', jsonFile, '-o', again, '-q']);
  const second = await open(again);
  assert.equal(await second.page.evaluate(() => window.amurReview.count()), n - 1);
  assert.equal(await second.page.evaluate(() => window.amurReview.bead(1).checked), true);
  const tmx2 = await second.page.evaluate(() => window.amurReview.tmx());
  assert.equal(undated(tmx2), undated(tmx));
  await second.page.close();
  await page.close();
});

test('200 random merges, splits and moves never lose a sentence', async () => {
  const { page } = await open(REVIEW_HTML);
  const { zh, en } = await page.evaluate(() => window.amurReview.sentences);
  const stats = await page.evaluate(() => {
    const R = window.amurReview;
    let seed = 12345;
    const rand = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
    const done = { merge: 0, split: 0, moveUp: 0, moveDown: 0, check: 0, undo: 0, refused: 0 };
    for (let k = 0; k < 200; k++) {
      const i = rand(R.count());
      const side = rand(2) ? 'zh' : 'en';
      const ops = ['merge', 'merge', 'split', 'split', 'split', 'moveUp', 'moveDown', 'check', 'undo'];
      const op = ops[rand(ops.length)];
      let ok;
      if (op === 'split') {
        // Random cuts; up to three draws to find a valid one (the page refuses the others).
        const b = R.bead(i);
        let zp;
        let ep;
        for (let t = 0; t < 3; t++) {
          zp = rand(b.zh.length + 1);
          ep = rand(b.en.length + 1);
          if (zp + ep > 0 && zp + ep < b.zh.length + b.en.length) break;
        }
        ok = R.split(i, zp, ep);
      } else if (op === 'moveUp' || op === 'moveDown') {
        ok = R[op](i, side);
      } else if (op === 'undo') {
        ok = R.undo();
      } else {
        ok = R[op](i);
      }
      done[ok ? op : 'refused']++;
      const problems = R.verify();
      if (problems.length) return { after: k, op, problems };
    }
    return done;
  });
  console.log(`# random edits: ${JSON.stringify(stats)}`);
  assert.ok(!stats.problems, JSON.stringify(stats));
  assert.ok(stats.merge > 10 && stats.split > 10 && stats.moveUp + stats.moveDown > 10);
  await assertIntact(page, zh, en);
  const tmx = path.join(OUT, 'random.tmx');
  fs.writeFileSync(tmx, await page.evaluate(() => window.amurReview.tmx()));
  validateTmx(tmx);
  await page.close();
});

test('sentence text is shown as text, never as markup', async () => {
  const evil = ['<b>bold</b>。', '</script><script>window.pwned=1</script>。', '<img src=x onerror="window.pwned=2">。'];
  const doc = {
    zh_sentences: 3, en_sentences: 2,
    beads: [
      { id: 0, zh_ids: [0], en_ids: [0], zh: evil[0], en: 'A & B <i>x</i>.', confidence: 0.3, type: '1-1' },
      { id: 1, zh_ids: [1, 2], en_ids: [1], zh: evil[1] + evil[2], en: '"Quote" </style>.', confidence: 0.7, type: '2-1',
        zh_texts: [evil[1], evil[2]] },
    ],
    document: '<title>doc</title>',
  };
  const json = path.join(OUT, 'evil.json');
  const html = path.join(OUT, 'evil.html');
  fs.writeFileSync(json, JSON.stringify(doc));
  execFileSync(AMUR, ['review', json, '-o', html, '-q']);
  const { page, errors } = await open(html);
  assert.deepEqual(errors, []);
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  assert.equal(await page.$$eval('#beads b, #beads i, #beads img, #beads script', (e) => e.length), 0);
  const zh = await page.$$eval('#beads .side.zh .s', (s) => s.map((x) => x.textContent));
  assert.deepEqual(zh, evil);
  assert.equal(await page.textContent('#beads > .bead:nth-child(1) .side.en .s'), 'A & B <i>x</i>.');
  const tmx = path.join(OUT, 'evil.tmx');
  fs.writeFileSync(tmx, await page.evaluate(() => window.amurReview.tmx()));
  validateTmx(tmx);
  assert.ok(fs.readFileSync(tmx, 'utf8').includes('<seg>&lt;b&gt;bold&lt;/b&gt;。</seg>'));
  await page.close();
});

test('a review of 5,000 beads opens and edits quickly', async () => {
  const zhChars = '的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研质'.split('');
  const words = 'the of and to in a is that for it as was with be by on not he this are or his from at which but have an they you were her she there been one all we their has would when if so what more will no said out into them can only other new some could time these two may then do first any my now such like our over man me even most made after also did many before must through back years where much your way well down should because each just those people'.split(' ');
  let seed = 7;
  const rand = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
  const zhS = () => Array.from({ length: 12 + rand(30) }, () => zhChars[rand(zhChars.length)]).join('') + '。';
  const enS = () => {
    const w = Array.from({ length: 8 + rand(25) }, () => words[rand(words.length)]);
    w[0] = w[0][0].toUpperCase() + w[0].slice(1);
    return w.join(' ') + '.';
  };
  const beads = [];
  let z = 0;
  let e = 0;
  for (let i = 0; i < 5000; i++) {
    const [nz, ne] = [[1, 1], [1, 1], [1, 1], [1, 2], [2, 1], [1, 1], [0, 1], [1, 1]][rand(8)];
    const zt = Array.from({ length: nz }, zhS);
    const et = Array.from({ length: ne }, enS);
    beads.push({
      id: i, zh_ids: zt.map(() => z++), en_ids: et.map(() => e++), zh: zt.join(''), en: et.join(' '),
      confidence: [1, 0.99, 0.97, 0.93, 0.8, 0.6, 0.4, 0.1][rand(8)], type: `${nz}-${ne}`,
    });
  }
  const json = path.join(OUT, 'large.json');
  const html = path.join(OUT, 'large.html');
  fs.writeFileSync(json, JSON.stringify({ zh_sentences: z, en_sentences: e, beads }, null, 2));
  execFileSync(AMUR, ['review', json, '-o', html, '-q']);
  const { page, wallMs, readyMs } = await open(html);
  assert.equal(await page.evaluate(() => window.amurReview.count()), 5000);
  const editMs = await page.evaluate(() => {
    const t = performance.now();
    window.amurReview.merge(10);
    window.amurReview.split(10, 1, 1);
    return performance.now() - t;
  });
  const keyMs = await page.evaluate(async () => {
    const t = performance.now();
    for (let k = 0; k < 20; k++) document.dispatchEvent(new KeyboardEvent('keydown', { key: 'n' }));
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    return performance.now() - t;
  });
  const saveMs = await page.evaluate(() => {
    const t = performance.now();
    window.amurReview.tmx();
    window.amurReview.json();
    return performance.now() - t;
  });
  const size = fs.statSync(html).size;
  console.log(`# 5,000 beads (${(size / 1e6).toFixed(1)} MB page): ready ${readyMs.toFixed(0)} ms, ${wallMs} ms wall clock to first paint; merge+split ${editMs.toFixed(0)} ms; 20 × n ${keyMs.toFixed(0)} ms; TMX+JSON ${saveMs.toFixed(0)} ms`);
  assert.ok(readyMs < 3 * LOAD_LIMIT_MS, `5,000 beads ready after ${readyMs} ms`);
  assert.deepEqual(await page.evaluate(() => window.amurReview.verify()), []);
  await page.close();
});

test('screenshot for the README', async () => {
  const { page } = await open(REVIEW_HTML);
  // A weak bead current, another one checked, the English side chosen.
  await page.keyboard.press('n');
  await page.keyboard.press('c');
  await page.keyboard.press('n');
  await page.keyboard.press('l');
  await page.evaluate(() => {
    const row = document.querySelector('.bead.current');
    window.scrollTo(0, row.getBoundingClientRect().top + window.scrollY - 260);
  });
  await page.screenshot({ path: path.join(OUT, 'review.png') });
  assert.ok(fs.statSync(path.join(OUT, 'review.png')).size > 10000);
  await page.close();
});
