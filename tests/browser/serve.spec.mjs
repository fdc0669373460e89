// End-to-end test of `amur serve` in a real browser: Debian's chromium, headless, driven by
// playwright-core. Run by .ci/browser-test with:
//
//   AMUR_BIN   the amur binary (release)
//   TMX_DTD    the TMX 1.4 DTD (from OmegaT), to validate exported TMX with xmllint
//   OUT_DIR    where downloads and the screenshot (serve.png, the picture in the README) go
//   CHROMIUM   the browser [default /usr/bin/chromium]
//
// The documents are built here: a docx (zipped by hand below) and an HTML page of an invented
// report, and a 5,000-sentence text pair.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import zlib from 'node:zlib';
import { launch } from './chromium.mjs';

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (run .ci/browser-test)`);
  return v;
};
const AMUR = env('AMUR_BIN');
const TMX_DTD = env('TMX_DTD');
const OUT = env('OUT_DIR');
const LOAD_LIMIT_MS = 1000;

// ---- documents --------------------------------------------------------------------------------

const ZH = [
  '江城图书馆今年春季开放了新的阅览室。馆长李明说，新阅览室可以容纳两百名读者。',
  '图书馆收藏了三万册中文图书和八千册外文图书。去年读者借出图书一万二千册。',
  '每周六上午，图书馆为儿童举办读书会。参加读书会的孩子越来越多。',
  '图书馆还开设了电脑课程，帮助老年读者使用网络。课程免费，每期十周。',
  '明年图书馆计划修建一个小型展览厅。展览厅将展出本地历史文献。',
  '馆长李明感谢市政府和读者的支持。他希望更多的市民来图书馆读书。',
];
const EN = [
  'This spring the Jiangcheng Library opened a new reading room. The director, Li Ming, said the new reading room can hold two hundred readers.',
  'The library holds thirty thousand Chinese books and eight thousand foreign books. Last year readers borrowed twelve thousand books.',
  'Every Saturday morning the library holds a reading club for children. More and more children take part in the reading club.',
  'The library also offers computer courses to help older readers use the internet. The courses are free, and each runs for ten weeks.',
  'Next year the library plans to build a small exhibition hall. The hall will show documents on local history.',
  'The director, Li Ming, thanked the city government and the readers for their support. He hopes that more citizens will come to the library to read.',
];

const xml = (t) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A zip of `entries` ([name, Buffer]), deflated, as a Buffer. */
function zip(entries) {
  const parts = [];
  const central = [];
  let offset = 0;
  for (const [name, data] of entries) {
    const packed = zlib.deflateRawSync(data);
    const crc = zlib.crc32(data);
    const nameBuf = Buffer.from(name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    parts.push(local, nameBuf, packed);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(0x0800, 8);
    c.writeUInt16LE(8, 10);
    c.writeUInt32LE(crc, 16);
    c.writeUInt32LE(packed.length, 20);
    c.writeUInt32LE(data.length, 24);
    c.writeUInt16LE(nameBuf.length, 28);
    c.writeUInt32LE(offset, 42);
    central.push(c, nameBuf);
    offset += 30 + nameBuf.length + packed.length;
  }
  const dir = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, dir, end]);
}

function docx(paragraphs) {
  const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
  const body = paragraphs.map((p) => `<w:p><w:r><w:t xml:space="preserve">${xml(p)}</w:t></w:r></w:p>`).join('');
  return zip([
    ['[Content_Types].xml', Buffer.from('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')],
    ['word/document.xml', Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="${W}"><w:body>${body}</w:body></w:document>`)],
  ]);
}

function html(paragraphs) {
  return Buffer.from('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Library report</title></head><body>\n' +
    paragraphs.map((p) => `<p>${xml(p)}</p>\n`).join('') + '</body></html>\n');
}

const ZH_DOCX = docx(ZH);
const EN_HTML = html(EN);

// ---- server and browser -----------------------------------------------------------------------

let dataDir;
let server;
let base;
let context;
let userDataDir;

/** Starts `amur serve` on the data folder; resolves to its first line, the address. */
function startServer() {
  server = spawn(AMUR, ['serve', '--no-browser', '--port', '0', '--data', dataDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: server.stdout });
    lines.once('line', (url) => {
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{32}$/);
      base = new URL(url).origin;
      resolve(url);
    });
    server.once('exit', (code) => reject(new Error(`amur serve exited with ${code}`)));
  });
}

function stopServer() {
  return new Promise((resolve) => {
    server.once('exit', resolve);
    server.kill();
  });
}

before(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'amur-serve-'));
  userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'amur-chromium-'));
  context = await launch(userDataDir);
});

after(async () => {
  await context?.close();
  if (server && server.exitCode === null) await stopServer();
  if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

/** A page that records what it fetched from elsewhere and every script error. */
async function newPage() {
  const page = await context.newPage();
  page.foreign = [];
  page.errors = [];
  page.on('request', (r) => { if (!r.url().startsWith(base) && !/^(blob|data):/.test(r.url())) page.foreign.push(r.url()); });
  page.on('pageerror', (e) => page.errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') page.errors.push(m.text()); });
  return page;
}

/** Waits until the row of alignment `name` says done; returns its id. */
async function waitDone(page, name) {
  const row = page.locator('#list tbody tr', { has: page.locator('td:nth-child(2)', { hasText: name }) }).first();
  await row.locator('a.open').waitFor({ timeout: 120000 });
  return Number(await row.getAttribute('data-id'));
}

async function download(page, click) {
  const [d] = await Promise.all([page.waitForEvent('download'), click()]);
  const file = path.join(OUT, d.suggestedFilename());
  await d.saveAs(file);
  return file;
}

const dateless = (t) => t.replace(/creationdate="[^"]*"/g, '');
const tus = (t) => dateless(t).match(/<tu [\s\S]*?<\/tu>/g) || [];

function validTmx(file) {
  execFileSync('xmllint', ['--noout', '--dtdvalid', TMX_DTD, file], { stdio: 'pipe' });
}

// ---- the whole path ---------------------------------------------------------------------------

let pairId;

test('upload a docx and an HTML file, see it align, open it', async () => {
  const url = await startServer();
  const page = await newPage();
  await page.goto(url);
  assert.equal(new URL(page.url()).search, '', 'the token leaves the address bar');
  await page.waitForSelector('html[data-ready="true"]');
  await page.setInputFiles('#zh-file', { name: 'library.zh.docx', mimeType: 'application/octet-stream', buffer: ZH_DOCX });
  await page.setInputFiles('#en-file', { name: 'library.en.html', mimeType: 'text/html', buffer: EN_HTML });
  await page.click('#align');
  pairId = await waitDone(page, 'library');
  const row = page.locator(`#list tr[data-id="${pairId}"]`);
  assert.match(await row.innerText(), /library\.zh\.docx/);
  // A file amur cannot read fails with amur align's words, alone.
  await page.setInputFiles('#zh-file', { name: 'broken.docx', mimeType: 'application/octet-stream', buffer: Buffer.from('not a zip at all') });
  await page.setInputFiles('#en-file', { name: 'fine.html', mimeType: 'text/html', buffer: EN_HTML });
  await page.click('#align');
  const failed = page.locator('#list tbody tr', { hasText: 'broken.docx' }).locator('.status-failed');
  await failed.waitFor({ timeout: 60000 });
  assert.match(await failed.innerText(), /failed: broken\.docx: /);
  assert.deepEqual(page.errors, []);
  assert.deepEqual(page.foreign, []);
  await page.close();
});

test('review: merge and check are saved, survive a reload and a restart; TMX as amur align', async () => {
  const page = await newPage();
  await page.goto(`${base}/a/${pairId}`);
  await page.waitForSelector('html[data-ready="true"]');
  const before = await page.evaluate(() => window.amurReview.beads());
  assert.ok(before.length >= 3);
  // As a user does it: the first bead is current; m merges it with the next, c checks it.
  await page.keyboard.press('m');
  await page.keyboard.press('c');
  await page.waitForFunction(() => !window.amurReview.saved().unsaved);
  const merged = await page.evaluate(() => window.amurReview.bead(0));
  assert.deepEqual(merged.zh, before[0].zh.concat(before[1].zh));
  assert.equal(merged.checked, true);
  assert.equal(await page.locator('#save').innerText(), 'Saved');
  await page.reload();
  await page.waitForSelector('html[data-ready="true"]');
  assert.deepEqual(await page.evaluate(() => window.amurReview.bead(0)), merged);
  assert.equal(await page.evaluate(() => window.amurReview.count()), before.length - 1);
  assert.deepEqual(await page.evaluate(() => window.amurReview.verify()), []);
  assert.deepEqual(page.errors, []);
  await page.close();

  await stopServer();
  const url = await startServer();
  const again = await newPage();
  await again.goto(url);
  await again.goto(`${base}/a/${pairId}`);
  await again.waitForSelector('html[data-ready="true"]');
  assert.deepEqual(await again.evaluate(() => window.amurReview.bead(0)), merged);
  fs.mkdirSync(path.join(OUT, 'serve'), { recursive: true });
  await again.screenshot({ path: path.join(OUT, 'serve.png') });
  const tmxFile = await download(again, () => again.click('#save-tmx'));
  validTmx(tmxFile);
  // amur align on the same files: the same units but for the merged, checked first one.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amur-align-'));
  fs.writeFileSync(path.join(dir, 'library.zh.docx'), ZH_DOCX);
  fs.writeFileSync(path.join(dir, 'library.en.html'), EN_HTML);
  execFileSync(AMUR, ['align', 'library.zh.docx', 'library.en.html', '-o', 'cli.tmx', '-q'], { cwd: dir });
  const cli = tus(fs.readFileSync(path.join(dir, 'cli.tmx'), 'utf8'));
  const served = tus(fs.readFileSync(tmxFile, 'utf8'));
  assert.equal(served.length, cli.length - 1);
  assert.deepEqual(served.slice(1), cli.slice(2));
  assert.match(served[0], /<prop type="x-checked">yes<\/prop>/);
  assert.match(served[0], /<prop type="x-confidence">1.00<\/prop>/);
  assert.match(served[0], new RegExp(`<seg>${before[0].zh.join('')}${before[1].zh.join('')}</seg>`));
  fs.rmSync(dir, { recursive: true, force: true });
  assert.deepEqual(again.errors, []);
  await again.close();
});

test('terms: extract, add one, export TBX', async () => {
  const page = await newPage();
  await page.goto(`${base}/`);
  await page.waitForSelector('html[data-ready="true"]');
  await page.locator(`#list tr[data-id="${pairId}"] button`, { hasText: 'Terms' }).click();
  await page.waitForSelector('#terms:not([hidden])');
  await page.click('#terms-extract');
  await page.waitForFunction(() => /recurring terms found/.test(document.getElementById('terms-message').textContent));
  const found = await page.locator('#terms-table tbody tr').count();
  await page.click('#terms-add');
  const first = page.locator('#terms-table tbody tr').first();
  await first.locator('input').nth(0).fill('展览厅');
  await first.locator('input').nth(1).fill('exhibition hall');
  await page.click('#terms-save');
  await page.waitForFunction((n) => document.getElementById('terms-message').textContent === `${n} terms saved.`, found + 1);
  const tbx = fs.readFileSync(await download(page, () => page.click('#terms-tbx')), 'utf8');
  assert.match(tbx, /<martif/);
  assert.match(tbx, /展览厅/);
  assert.match(tbx, /exhibition hall/);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('several pairs at once, one merged TMX', async () => {
  const page = await newPage();
  await page.goto(`${base}/`);
  await page.waitForSelector('html[data-ready="true"]');
  await page.click('#many summary');
  await page.setInputFiles('#many-files', [
    { name: 'north.zh.docx', mimeType: 'application/octet-stream', buffer: docx(ZH.slice(0, 3)) },
    { name: 'north.en.html', mimeType: 'text/html', buffer: html(EN.slice(0, 3)) },
    { name: 'south.zh.html', mimeType: 'text/html', buffer: html(ZH.slice(3)) },
    { name: 'south.en.docx', mimeType: 'application/octet-stream', buffer: docx(EN.slice(3)) },
  ]);
  await page.click('#align-many');
  const north = await waitDone(page, 'north');
  const south = await waitDone(page, 'south');
  for (const id of [north, south]) await page.locator(`#list tr[data-id="${id}"] input[type=checkbox]`).check();
  const file = await download(page, () => page.click('#export-merged'));
  validTmx(file);
  const text = fs.readFileSync(file, 'utf8');
  assert.ok(tus(text).length >= 6, text);
  assert.match(text, /<prop type="x-document">north<\/prop>/);
  assert.match(text, /<prop type="x-document">south<\/prop>/);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a 5,000-bead alignment opens in under a second', async () => {
  const zh = [];
  const en = [];
  const things = [['椅子', 'chairs'], ['桌子', 'tables'], ['书架', 'bookshelves'], ['灯', 'lamps'], ['窗户', 'windows']];
  for (let i = 1; i <= 5000; i++) {
    const [z, e] = things[i % things.length];
    zh.push(`第${i}号房间有${(i * 7) % 97 + 2}张${z}。`);
    en.push(`Room ${i} has ${(i * 7) % 97 + 2} ${e}.`);
  }
  const page = await newPage();
  await page.goto(`${base}/`);
  await page.waitForSelector('html[data-ready="true"]');
  await page.setInputFiles('#zh-file', { name: 'rooms.zh.txt', mimeType: 'text/plain', buffer: Buffer.from(zh.join('\n')) });
  await page.setInputFiles('#en-file', { name: 'rooms.en.txt', mimeType: 'text/plain', buffer: Buffer.from(en.join('\n')) });
  const started = Date.now();
  await page.click('#align');
  // Progress shows while it runs.
  await page.locator('#list .status-running .bar').first().waitFor({ timeout: 30000 });
  const id = await waitDone(page, 'rooms');
  console.log(`# 5,000 sentence pair aligned in ${((Date.now() - started) / 1000).toFixed(1)} s (upload to done)`);
  const review = await newPage();
  const t0 = Date.now();
  await review.goto(`${base}/a/${id}`);
  await review.waitForSelector('html[data-ready="true"]');
  const wall = Date.now() - t0;
  const readyMs = await review.evaluate(() => window.amurReview.readyMs);
  const count = await review.evaluate(() => window.amurReview.count());
  console.log(`# ${count} beads: ready ${readyMs.toFixed(0)} ms after navigation start, ${wall} ms wall clock`);
  assert.ok(count >= 4900, `${count} beads`);
  assert.ok(readyMs < LOAD_LIMIT_MS, `ready after ${readyMs} ms`);
  // An edit on the big one is saved too.
  await review.keyboard.press('c');
  await review.waitForFunction(() => !window.amurReview.saved().unsaved);
  assert.deepEqual(review.errors, []);
  await review.close();
  await page.close();
});
