// amur review page: shows the beads of an alignment, lets the reviewer correct them, and saves
// the corrected TMX and JSON. Text from the data only ever reaches the page as textContent.
//
// Model: `beads` is an array of {zs, ze, es, ee, c, checked, edited}: half-open sentence ranges
// of each side into ZH / EN. The beads cover both sides in order, each sentence exactly once;
// every edit keeps that (verify() checks it). `rows[i]` is the DOM element of `beads[i]`.
//
// Served by `amur serve` (DATA.server set), every edit is also POSTed to the server, which keeps
// the beads: the Save button shows whether the server has the last edit, and TMX / JSON download
// the server's export.
(function () {
  'use strict';

  var HI = 0.9;
  var MID = 0.5;
  var UNDO_LIMIT = 500;

  var DATA = JSON.parse(document.getElementById('amur-data').textContent);
  var ZH = DATA.zh;
  var EN = DATA.en;
  var ZH_PAR = DATA.zh_par;
  var EN_PAR = DATA.en_par;
  var main = document.getElementById('beads');
  var statusEl = document.getElementById('status');
  var statsEl = document.getElementById('stats');
  var heads = document.getElementById('heads');
  var help = document.getElementById('help');
  var saveButton = document.getElementById('save');
  var thresholdInput = document.getElementById('threshold');
  var weakBox = document.getElementById('weak-only');

  var beads = DATA.beads.map(function (b) {
    return {
      zs: b.zh[0], ze: b.zh[1], es: b.en[0], ee: b.en[1],
      c: typeof b.confidence === 'number' && isFinite(b.confidence) ? b.confidence : 0,
      checked: !!b.checked, edited: !!b.edited
    };
  });
  var SERVER = DATA.server || null;
  var version = SERVER ? SERVER.version : 0;
  var inFlight = false;
  var pending = false;
  var saveError = null;
  var rows = [];
  var cur = 0;
  var side = 'zh';
  var splitting = null; // {zp, ep}: the cuts of the current bead while choosing a split
  var weakOnly = false;
  // The run's threshold (--min-confidence, else 0.9): the same as the summary's.
  var threshold = typeof DATA.threshold === 'number' ? DATA.threshold : HI;
  var dirty = false;
  var edits = 0;
  var undoStack = [];

  // ---- small helpers ------------------------------------------------------------------------

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  function nz(b) { return b.ze - b.zs; }
  function ne(b) { return b.ee - b.es; }
  function kindOf(b) { return nz(b) + '-' + ne(b); }
  function conf(b) { return b.checked ? 1 : b.c; }
  function level(b) {
    if (b.checked) return 'hi';
    return b.c >= HI ? 'hi' : b.c >= MID ? 'mid' : 'lo';
  }
  function isWeak(b) { return !b.checked && b.c < threshold; }
  function copy(b) {
    return { zs: b.zs, ze: b.ze, es: b.es, ee: b.ee, c: b.c, checked: b.checked, edited: b.edited };
  }
  function zhText(b) { return ZH.slice(b.zs, b.ze).join(''); }
  function enText(b) { return EN.slice(b.es, b.ee).join(' '); }

  // Rust's confidence text: 3 decimals, or 2 when the third is zero.
  function fmtConfidence(c) {
    var s = (Math.round(c * 1000) / 1000).toFixed(3);
    return s.charAt(s.length - 1) === '0' ? s.slice(0, -1) : s;
  }

  function say(msg, isError) {
    statusEl.textContent = msg;
    statusEl.className = isError ? 'error' : '';
  }

  // ---- rendering ----------------------------------------------------------------------------

  function sideCell(b, s, cut) {
    var cell = el('div', 'side ' + s);
    cell.lang = s === 'zh' ? langCode(DATA.src_lang) : langCode(DATA.tgt_lang);
    var texts = s === 'zh' ? ZH : EN;
    var a = s === 'zh' ? b.zs : b.es;
    var e = s === 'zh' ? b.ze : b.ee;
    if (a === e && cut == null) {
      cell.append(el('span', 'none', s === 'zh' ? 'no Chinese sentence' : 'no English sentence'));
      return cell;
    }
    for (var k = a; k <= e; k++) {
      if (cut != null) {
        var gap = el('div', 'gap' + (k - a === cut ? ' cut' : ''));
        gap.dataset.p = String(k - a);
        gap.title = 'cut here';
        cell.append(gap);
      }
      if (k < e) {
        cell.append(el('span', 's' + (cut != null && k - a >= cut ? ' part2' : ''), texts[k]));
      }
    }
    return cell;
  }

  function makeRow(b, i, split) {
    var row = el('div', 'bead ' + level(b));
    if (b.checked) row.classList.add('checked');
    var meta = el('div', 'meta');
    meta.append(el('span', 'num', '#' + (i + 1)));
    meta.append(el('span', 'conf', fmtConfidence(conf(b))));
    meta.append(el('span', 'kind', kindOf(b)));
    if (b.edited) meta.append(el('span', 'tag edited', 'edited'));
    if (nz(b) === 0 || ne(b) === 0) meta.append(el('span', 'tag notm', 'not in TMX'));
    row.append(meta);
    row.append(sideCell(b, 'zh', split ? split.zp : null));
    row.append(sideCell(b, 'en', split ? split.ep : null));
    if (split) {
      row.classList.add('splitting');
      row.children[side === 'zh' ? 1 : 2].classList.add('active');
    }
    row.amurIndex = i;
    return row;
  }

  function visible(i) {
    return !weakOnly || i === cur || isWeak(beads[i]);
  }

  function renderAll() {
    var frag = document.createDocumentFragment();
    rows = new Array(beads.length);
    for (var i = 0; i < beads.length; i++) {
      var row = makeRow(beads[i], i, null);
      if (!visible(i)) row.classList.add('hidden');
      rows[i] = row;
      frag.append(row);
    }
    main.textContent = '';
    main.append(frag);
  }

  // Replaces `count` beads from `start` by `items`, in the model and on the page.
  function replace(start, count, items) {
    var anchor = start + count < rows.length ? rows[start + count] : null;
    var newRows = items.map(function (b, k) { return makeRow(b, start + k, null); });
    var old = rows.slice(start, start + count);
    Array.prototype.splice.apply(beads, [start, count].concat(items));
    Array.prototype.splice.apply(rows, [start, count].concat(newRows));
    old.forEach(function (r) { r.remove(); });
    newRows.forEach(function (r) { main.insertBefore(r, anchor); });
    if (items.length !== count) renumber(start + items.length);
  }

  function renumber(from) {
    for (var j = from; j < rows.length; j++) {
      rows[j].amurIndex = j;
      rows[j].firstChild.firstChild.textContent = '#' + (j + 1);
    }
  }

  function refreshRow(i) {
    var row = makeRow(beads[i], i, i === cur ? splitting : null);
    rows[i].replaceWith(row);
    rows[i] = row;
    decorate(i);
  }

  function decorate(i) {
    var row = rows[i];
    var isCur = i === cur;
    row.classList.toggle('current', isCur);
    row.classList.toggle('side-zh', isCur && side === 'zh');
    row.classList.toggle('side-en', isCur && side === 'en');
    row.classList.toggle('hidden', !visible(i));
  }

  function applyFilter() {
    for (var i = 0; i < rows.length; i++) rows[i].classList.toggle('hidden', !visible(i));
  }

  function updateStats() {
    var weak = 0;
    var checked = 0;
    for (var i = 0; i < beads.length; i++) {
      if (isWeak(beads[i])) weak++;
      if (beads[i].checked) checked++;
    }
    statsEl.textContent = beads.length + ' beads · ' + weak + ' weak (< ' + threshold +
      ') · ' + checked + ' checked · ' + edits + (edits === 1 ? ' edit' : ' edits') +
      ' · ' + ZH.length + ' zh / ' + EN.length + ' en sentences';
    saveButton.classList.toggle('dirty', dirty);
    if (SERVER) {
      saveButton.textContent = !dirty ? 'Saved' : saveError ? 'Save again' : 'Saving…';
      saveButton.title = !dirty ? 'Every edit is saved on the server' : saveError
        ? 'The last edits are not saved: ' + saveError : 'Saving the last edit on the server';
    }
  }

  // ---- saving on the server (amur serve) ----------------------------------------------------

  function payload() {
    return JSON.stringify({
      version: version,
      beads: beads.map(function (b) { return [b.zs, b.ze, b.es, b.ee, b.c, b.checked, b.edited]; })
    });
  }

  // Sends the beads as they are now; edits made while a request is out are sent after it.
  function persist() {
    if (!SERVER) return;
    dirty = true;
    if (inFlight) { pending = true; updateStats(); return; }
    inFlight = true;
    pending = false;
    updateStats();
    fetch(SERVER.save, {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' }, body: payload()
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (j) {
        return { ok: r.ok, status: r.status, body: j };
      });
    }).then(function (res) {
      inFlight = false;
      if (res.ok) {
        version = res.body.version;
        saveError = null;
        if (pending) persist(); else dirty = false;
      } else {
        saveError = res.body.error || 'the server answered ' + res.status;
        say('Not saved: ' + saveError, true);
        if (res.status !== 409 && pending) persist();
      }
      updateStats();
    }, function () {
      inFlight = false;
      saveError = 'the server did not answer';
      say('Not saved: the server did not answer. The edits stay in this tab; Save tries again.', true);
      updateStats();
    });
  }

  // ---- cursor -------------------------------------------------------------------------------

  function ensureVisible(row) {
    var r = row.getBoundingClientRect();
    var top = document.getElementById('bar').getBoundingClientRect().bottom;
    if (r.top < top || r.bottom > window.innerHeight) row.scrollIntoView({ block: 'center' });
  }

  function select(i, scroll) {
    if (!beads.length) return;
    i = Math.max(0, Math.min(beads.length - 1, i));
    if (splitting) cancelSplit();
    var old = cur;
    cur = i;
    if (old < rows.length && old !== i) decorate(old);
    decorate(i);
    heads.className = 'side-' + side;
    if (scroll !== false) ensureVisible(rows[i]);
  }

  function step(dir) {
    for (var i = cur + dir; i >= 0 && i < beads.length; i += dir) {
      if (visible(i)) return select(i);
    }
    say(dir > 0 ? 'Last bead.' : 'First bead.');
  }

  function nextWeak(dir) {
    var n = beads.length;
    for (var k = 1; k <= n; k++) {
      var i = ((cur + dir * k) % n + n) % n;
      if (isWeak(beads[i])) {
        if ((dir > 0 && i <= cur) || (dir < 0 && i >= cur)) say('Wrapped around.');
        return select(i);
      }
    }
    say('No weak bead below ' + threshold + '.');
  }

  function chooseSide(s) {
    side = s;
    if (splitting) {
      refreshRow(cur);
    } else {
      decorate(cur);
    }
    heads.className = 'side-' + side;
  }

  // ---- edits (each keeps every sentence in exactly one bead, in order) ----------------------

  function snapshot() {
    undoStack.push({ beads: beads.map(copy), cur: cur, edits: edits });
    if (undoStack.length > UNDO_LIMIT) undoStack.shift();
  }

  function changed(i, msg) {
    dirty = true;
    persist();
    updateStats();
    cur = Math.max(0, Math.min(beads.length - 1, i));
    for (var k = Math.max(0, i - 1); k <= Math.min(beads.length - 1, i + 2); k++) decorate(k);
    if (rows[cur]) ensureVisible(rows[cur]);
    if (msg) say(msg);
    return true;
  }

  function valid(i) {
    return Number.isInteger(i) && i >= 0 && i < beads.length;
  }

  function merge(i) {
    if (!valid(i) || i + 1 >= beads.length) return false;
    if (splitting) cancelSplit();
    var a = beads[i];
    var b = beads[i + 1];
    snapshot();
    edits++;
    replace(i, 2, [{
      zs: a.zs, ze: b.ze, es: a.es, ee: b.ee,
      c: Math.min(a.c, b.c), checked: false, edited: true
    }]);
    return changed(i, 'Merged beads ' + (i + 1) + ' and ' + (i + 2) + '.');
  }

  function splitOk(b, zp, ep) {
    return Number.isInteger(zp) && Number.isInteger(ep) && zp >= 0 && ep >= 0 &&
      zp <= nz(b) && ep <= ne(b) && zp + ep > 0 && nz(b) - zp + ne(b) - ep > 0;
  }

  function split(i, zp, ep) {
    if (!valid(i) || !splitOk(beads[i], zp, ep)) return false;
    splitting = null;
    var b = beads[i];
    snapshot();
    edits++;
    replace(i, 1, [
      { zs: b.zs, ze: b.zs + zp, es: b.es, ee: b.es + ep, c: b.c, checked: false, edited: true },
      { zs: b.zs + zp, ze: b.ze, es: b.es + ep, ee: b.ee, c: b.c, checked: false, edited: true }
    ]);
    return changed(i, 'Split bead ' + (i + 1) + '.');
  }

  function sideName(s) { return s === 'zh' ? 'Chinese' : 'English'; }

  // The first sentence of side `s` of bead i goes to the end of bead i-1.
  function moveUp(i, s) {
    if (!valid(i) || i === 0 || (s !== 'zh' && s !== 'en')) return false;
    var b = copy(beads[i]);
    var p = copy(beads[i - 1]);
    if (s === 'zh' ? nz(b) === 0 : ne(b) === 0) return false;
    if (splitting) cancelSplit();
    snapshot();
    edits++;
    if (s === 'zh') { p.ze++; b.zs++; } else { p.ee++; b.es++; }
    p.edited = b.edited = true;
    p.checked = b.checked = false;
    var gone = nz(b) === 0 && ne(b) === 0;
    replace(i - 1, 2, gone ? [p] : [p, b]);
    return changed(gone ? i - 1 : i, 'Moved a ' + sideName(s) + ' sentence up into bead ' + i +
      (gone ? '; the emptied bead is gone.' : '.'));
  }

  // The last sentence of side `s` of bead i goes to the start of bead i+1.
  function moveDown(i, s) {
    if (!valid(i) || i + 1 >= beads.length || (s !== 'zh' && s !== 'en')) return false;
    var b = copy(beads[i]);
    var n = copy(beads[i + 1]);
    if (s === 'zh' ? nz(b) === 0 : ne(b) === 0) return false;
    if (splitting) cancelSplit();
    snapshot();
    edits++;
    if (s === 'zh') { b.ze--; n.zs--; } else { b.ee--; n.es--; }
    b.edited = n.edited = true;
    b.checked = n.checked = false;
    var gone = nz(b) === 0 && ne(b) === 0;
    replace(i, 2, gone ? [n] : [b, n]);
    return changed(i, 'Moved a ' + sideName(s) + ' sentence down into bead ' +
      (gone ? i + 1 : i + 2) + (gone ? '; the emptied bead is gone.' : '.'));
  }

  function check(i, on) {
    if (!valid(i)) return false;
    if (splitting) cancelSplit();
    var b = copy(beads[i]);
    b.checked = on === undefined ? !b.checked : !!on;
    if (b.checked === beads[i].checked) return true;
    snapshot();
    replace(i, 1, [b]);
    return changed(i, (b.checked ? 'Checked bead ' : 'Unchecked bead ') + (i + 1) + '.');
  }

  function undo() {
    var s = undoStack.pop();
    if (!s) { say('Nothing to undo.'); return false; }
    splitting = null;
    beads = s.beads;
    edits = s.edits;
    cur = Math.min(s.cur, beads.length - 1);
    dirty = true;
    persist();
    renderAll();
    updateStats();
    select(cur);
    say('Undone.');
    return true;
  }

  // ---- split mode ---------------------------------------------------------------------------

  function startSplit() {
    var b = beads[cur];
    if (!b) return;
    if (nz(b) + ne(b) < 2) { say('Bead ' + (cur + 1) + ' has one sentence: nothing to split.', true); return; }
    var zp = Math.ceil(nz(b) / 2);
    var ep = Math.ceil(ne(b) / 2);
    if (nz(b) - zp + ne(b) - ep === 0) { if (ep > 0) ep--; else zp--; }
    splitting = { zp: zp, ep: ep };
    refreshRow(cur);
    say('Split: ←/→ choose a side, ↑/↓ move its cut (or click between sentences), Enter splits, Esc cancels.');
  }

  function cancelSplit() {
    if (!splitting) return;
    splitting = null;
    refreshRow(cur);
    say('');
  }

  function moveCut(d) {
    var b = beads[cur];
    if (side === 'zh') splitting.zp = Math.max(0, Math.min(nz(b), splitting.zp + d));
    else splitting.ep = Math.max(0, Math.min(ne(b), splitting.ep + d));
    refreshRow(cur);
  }

  function confirmSplit() {
    var sp = splitting;
    if (!splitOk(beads[cur], sp.zp, sp.ep)) {
      say('Each part of the split needs at least one sentence.', true);
      return;
    }
    split(cur, sp.zp, sp.ep);
  }

  // ---- TMX and JSON -------------------------------------------------------------------------

  var FORBIDDEN = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
  function xmlChars(s) { return s.replace(FORBIDDEN, ''); }
  function rustTrim(s) { return s.replace(/^\p{White_Space}+|\p{White_Space}+$/gu, ''); }
  function langCode(code) { return xmlChars(rustTrim(code || '')).replace(/_/g, '-'); }
  function escText(s) {
    return s.replace(/[&<>\r]/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#13;' }[c];
    });
  }
  function escAttr(s) {
    return s.replace(/[&<>"'\t\n\r]/g, function (c) {
      return {
        '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;',
        '\t': '&#9;', '\n': '&#10;', '\r': '&#13;'
      }[c];
    });
  }
  function pad(n, w) { n = String(n); while (n.length < w) n = '0' + n; return n; }
  function tmxDate(d) {
    return pad(d.getUTCFullYear(), 4) + pad(d.getUTCMonth() + 1, 2) + pad(d.getUTCDate(), 2) +
      'T' + pad(d.getUTCHours(), 2) + pad(d.getUTCMinutes(), 2) + pad(d.getUTCSeconds(), 2) + 'Z';
  }
  function rangeId(s, a, e) { return e - a <= 1 ? s + a : s + a + '-' + (e - 1); }

  function tmxUnits() {
    var out = [];
    function unit(b, za, ze, ea, ee, zt, et) {
      zt = xmlChars(zt);
      et = xmlChars(et);
      if (rustTrim(zt) === '' || rustTrim(et) === '') return;
      out.push({
        tuid: rangeId('zh', za, ze) + '_' + rangeId('en', ea, ee),
        zh: zt, en: et, confidence: conf(b), bead: kindOf(b), checked: b.checked,
        paragraph: DATA.en_source ? EN_PAR[ea] : ZH_PAR[za]
      });
    }
    beads.forEach(function (b) {
      if (nz(b) === 0 || ne(b) === 0) return;
      if (DATA.units === 'sentence' && nz(b) > 1 && nz(b) === ne(b)) {
        for (var k = 0; k < nz(b); k++) {
          unit(b, b.zs + k, b.zs + k + 1, b.es + k, b.es + k + 1, ZH[b.zs + k], EN[b.es + k]);
        }
      } else {
        unit(b, b.zs, b.ze, b.es, b.ee, zhText(b), enText(b));
      }
    });
    return out;
  }

  // The TMX as src/export/tmx.rs writes it, from the beads as they are now.
  function tmx(now) {
    var date = tmxDate(now || new Date());
    var zhLang = langCode(DATA.src_lang);
    var enLang = langCode(DATA.tgt_lang);
    var srclang = DATA.en_source ? enLang : zhLang;
    var doc = DATA.document == null ? null : xmlChars(DATA.document);
    if (doc != null && rustTrim(doc) === '') doc = null;
    var L = [];
    L.push('<?xml version="1.0" encoding="UTF-8"?>');
    L.push('<!DOCTYPE tmx SYSTEM "tmx14.dtd">');
    L.push('<tmx version="1.4">');
    L.push('  <header creationtool="amur" creationtoolversion="' +
      escAttr(xmlChars(DATA.tool_version)) + '" segtype="sentence" o-tmf="amur" ' +
      'adminlang="en-US" srclang="' + escAttr(srclang) + '" datatype="plaintext" ' +
      'creationdate="' + date + '"/>');
    var units = tmxUnits();
    if (!units.length) {
      L.push('  <body></body>');
    } else {
      L.push('  <body>');
      units.forEach(function (u) {
        var first = DATA.en_source ? [enLang, u.en] : [zhLang, u.zh];
        var second = DATA.en_source ? [zhLang, u.zh] : [enLang, u.en];
        L.push('    <tu tuid="' + escAttr(u.tuid) + '" creationdate="' + date + '">');
        L.push('      <prop type="x-confidence">' + fmtConfidence(u.confidence) + '</prop>');
        L.push('      <prop type="x-bead">' + u.bead + '</prop>');
        L.push('      <prop type="x-source-paragraph">' + (u.paragraph + 1) + '</prop>');
        if (doc != null) L.push('      <prop type="x-document">' + escText(doc) + '</prop>');
        if (u.checked) L.push('      <prop type="x-checked">yes</prop>');
        [first, second].forEach(function (t) {
          L.push('      <tuv xml:lang="' + escAttr(t[0]) + '">');
          L.push('        <seg>' + escText(t[1]) + '</seg>');
          L.push('      </tuv>');
        });
        L.push('    </tu>');
      });
      L.push('  </body>');
    }
    L.push('</tmx>');
    return L.join('\n') + '\n';
  }

  function range(a, e) { var r = []; for (var k = a; k < e; k++) r.push(k); return r; }

  // The JSON as `amur align -o x.json` writes it, plus per bead `checked`, the sentences of each
  // side (`zh_texts`, `en_texts`) and their paragraphs (`zh_paragraphs`, `en_paragraphs`), and the
  // document name, so that `amur review` can read it back exactly.
  function json() {
    var doc = {
      zh_sentences: ZH.length,
      en_sentences: EN.length,
      beads: beads.map(function (b, i) {
        return {
          id: i,
          zh_ids: range(b.zs, b.ze),
          en_ids: range(b.es, b.ee),
          zh: zhText(b),
          en: enText(b),
          confidence: Math.round(conf(b) * 1000) / 1000,
          type: kindOf(b),
          zh_paragraph: nz(b) ? ZH_PAR[b.zs] + 1 : null,
          en_paragraph: ne(b) ? EN_PAR[b.es] + 1 : null,
          checked: b.checked,
          zh_texts: ZH.slice(b.zs, b.ze),
          en_texts: EN.slice(b.es, b.ee),
          zh_paragraphs: ZH_PAR.slice(b.zs, b.ze).map(function (p) { return p + 1; }),
          en_paragraphs: EN_PAR.slice(b.es, b.ee).map(function (p) { return p + 1; })
        };
      })
    };
    if (DATA.document != null) doc.document = DATA.document;
    return JSON.stringify(doc, null, 2) + '\n';
  }

  function download(name, text, type) {
    var url = URL.createObjectURL(new Blob([text], { type: type }));
    var a = el('a');
    a.href = url;
    a.download = name;
    a.hidden = true;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
  }

  function save(what) {
    if (SERVER) {
      if (what === 'tmx' || what === 'json') {
        window.location.href = what === 'tmx' ? SERVER.tmx : SERVER.json;
      } else {
        persist();
      }
      return;
    }
    var base = DATA.name || 'amur';
    if (what !== 'json') download(base + '.reviewed.tmx', tmx(), 'application/x-tmx+xml');
    if (what !== 'tmx') download(base + '.reviewed.json', json(), 'application/json');
    if (!what) {
      dirty = false;
      updateStats();
    }
    say('Saved ' + (what === 'tmx' ? base + '.reviewed.tmx' : what === 'json' ? base + '.reviewed.json'
      : base + '.reviewed.tmx and ' + base + '.reviewed.json') + ' to your downloads.');
  }

  // ---- checks (for tests) -------------------------------------------------------------------

  // Problems with the model or the page, none when all is well: every sentence of both sides in
  // exactly one bead, in order, and every row showing its bead.
  function verify() {
    var problems = [];
    var z = 0;
    var e = 0;
    beads.forEach(function (b, i) {
      if (b.zs !== z || b.es !== e || b.ze < b.zs || b.ee < b.es) problems.push('bead ' + i + ' out of order');
      if (nz(b) + ne(b) === 0) problems.push('bead ' + i + ' is empty');
      z = b.ze;
      e = b.ee;
    });
    if (z !== ZH.length || e !== EN.length) problems.push('sentences not all covered');
    if (main.children.length !== beads.length) problems.push('rows ' + main.children.length + ' != beads ' + beads.length);
    for (var i = 0; i < beads.length && problems.length < 20; i++) {
      var row = main.children[i];
      var b = beads[i];
      if (row !== rows[i] || row.amurIndex !== i) { problems.push('row ' + i + ' misplaced'); continue; }
      var zs = Array.prototype.map.call(row.querySelectorAll('.side.zh .s'), function (x) { return x.textContent; });
      var es = Array.prototype.map.call(row.querySelectorAll('.side.en .s'), function (x) { return x.textContent; });
      if (zs.join('\u0000') !== ZH.slice(b.zs, b.ze).join('\u0000')) problems.push('row ' + i + ' shows other Chinese');
      if (es.join('\u0000') !== EN.slice(b.es, b.ee).join('\u0000')) problems.push('row ' + i + ' shows other English');
      if (row.querySelector('.num').textContent !== '#' + (i + 1)) problems.push('row ' + i + ' numbered wrong');
      if (!row.classList.contains(level(b))) problems.push('row ' + i + ' coloured wrong');
    }
    return problems;
  }

  // ---- events -------------------------------------------------------------------------------

  function toggleHelp(show) {
    help.hidden = show === undefined ? !help.hidden : !show;
    if (!help.hidden) document.getElementById('help-close').focus();
  }

  function act(name) {
    switch (name) {
      case 'merge':
        if (!merge(cur)) say('The last bead has no next bead to merge with.', true);
        break;
      case 'split':
        if (splitting) confirmSplit(); else startSplit();
        break;
      case 'up':
        if (!moveUp(cur, side)) say('Cannot move a ' + sideName(side) + ' sentence up from here.', true);
        break;
      case 'down':
        if (!moveDown(cur, side)) say('Cannot move a ' + sideName(side) + ' sentence down from here.', true);
        break;
      case 'check': check(cur); break;
      case 'undo': undo(); break;
    }
  }

  document.addEventListener('keydown', function (ev) {
    if (!help.hidden) {
      if (ev.key === 'Escape' || ev.key === '?') { toggleHelp(false); ev.preventDefault(); }
      return;
    }
    var t = ev.target;
    if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT')) {
      if (ev.key === 'Escape' || ev.key === 'Enter') t.blur();
      return;
    }
    if ((ev.ctrlKey || ev.metaKey) && !ev.altKey && ev.key.toLowerCase() === 'z') {
      undo();
      ev.preventDefault();
      return;
    }
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var k = ev.key;
    if (splitting) {
      var keys = {
        ArrowLeft: function () { chooseSide('zh'); }, h: function () { chooseSide('zh'); },
        ArrowRight: function () { chooseSide('en'); }, l: function () { chooseSide('en'); },
        ArrowUp: function () { moveCut(-1); }, k: function () { moveCut(-1); },
        ArrowDown: function () { moveCut(1); }, j: function () { moveCut(1); },
        Enter: confirmSplit, s: confirmSplit, Escape: cancelSplit
      };
      if (keys[k]) { keys[k](); ev.preventDefault(); }
      return;
    }
    var done = true;
    switch (k) {
      case 'j': case 'ArrowDown': step(1); break;
      case 'k': case 'ArrowUp': step(-1); break;
      case 'n': nextWeak(1); break;
      case 'p': case 'N': nextWeak(-1); break;
      case 'h': case 'ArrowLeft': chooseSide('zh'); break;
      case 'l': case 'ArrowRight': chooseSide('en'); break;
      case 'g': case 'Home': select(0); break;
      case 'G': case 'End': select(beads.length - 1); break;
      case 'm': act('merge'); break;
      case 's': act('split'); break;
      case '[': act('up'); break;
      case ']': act('down'); break;
      case 'c': act('check'); break;
      case 'u': act('undo'); break;
      case 'w': setWeakOnly(!weakOnly); break;
      case '?': toggleHelp(true); break;
      case 'Escape': say(''); break;
      default: done = false;
    }
    if (done) ev.preventDefault();
  });

  main.addEventListener('click', function (ev) {
    var gap = ev.target.closest('.gap');
    var row = ev.target.closest('.bead');
    if (!row) return;
    var i = row.amurIndex;
    var cell = ev.target.closest('.side');
    if (gap && splitting && i === cur) {
      side = cell.classList.contains('zh') ? 'zh' : 'en';
      if (side === 'zh') splitting.zp = Number(gap.dataset.p); else splitting.ep = Number(gap.dataset.p);
      refreshRow(cur);
      heads.className = 'side-' + side;
      return;
    }
    if (cell) side = cell.classList.contains('zh') ? 'zh' : 'en';
    if (i !== cur || !splitting) select(i, false);
    else chooseSide(side);
  });

  document.querySelector('.actions').addEventListener('click', function (ev) {
    var b = ev.target.closest('button');
    if (b) { act(b.dataset.act); b.blur(); }
  });

  function setThreshold(t) {
    if (String(t).trim() === '') return false; // the field is being retyped
    t = Number(t);
    if (!isFinite(t)) return false;
    threshold = Math.max(0, Math.min(1, t));
    thresholdInput.value = String(threshold);
    applyFilter();
    updateStats();
    return true;
  }

  function setWeakOnly(on) {
    weakOnly = !!on;
    weakBox.checked = weakOnly;
    applyFilter();
    if (weakOnly && !isWeak(beads[cur] || {})) {
      for (var i = 0; i < beads.length; i++) if (isWeak(beads[i])) { select(i); break; }
    }
    return true;
  }

  thresholdInput.addEventListener('input', function () { setThreshold(thresholdInput.value); });
  weakBox.addEventListener('change', function () { setWeakOnly(weakBox.checked); weakBox.blur(); });
  saveButton.addEventListener('click', function () { save(); saveButton.blur(); });
  document.getElementById('save-tmx').addEventListener('click', function (ev) { save('tmx'); ev.target.blur(); });
  document.getElementById('save-json').addEventListener('click', function (ev) { save('json'); ev.target.blur(); });
  document.getElementById('help-button').addEventListener('click', function () { toggleHelp(true); });
  document.getElementById('help-close').addEventListener('click', function () { toggleHelp(false); });
  help.addEventListener('click', function (ev) { if (ev.target === help) toggleHelp(false); });
  window.addEventListener('beforeunload', function (ev) {
    if (dirty && (!SERVER || saveError || inFlight)) { ev.preventDefault(); ev.returnValue = ''; }
  });

  // ---- start --------------------------------------------------------------------------------

  var title = DATA.document || DATA.name || 'alignment';
  document.getElementById('doc-title').textContent = 'amur review · ' + title;
  thresholdInput.value = String(threshold);
  renderAll();
  updateStats();
  if (beads.length) select(0, false);
  heads.className = 'side-' + side;
  void document.body.offsetHeight; // lay out before reporting ready

  window.amurReview = {
    sentences: { zh: ZH.slice(), en: EN.slice() },
    count: function () { return beads.length; },
    bead: function (i) {
      var b = beads[i];
      return b && {
        zh: ZH.slice(b.zs, b.ze), en: EN.slice(b.es, b.ee), zhRange: [b.zs, b.ze], enRange: [b.es, b.ee],
        confidence: conf(b), checked: b.checked, edited: b.edited, level: level(b), weak: isWeak(b)
      };
    },
    beads: function () { return beads.map(function (b, i) { return window.amurReview.bead(i); }); },
    current: function () { return cur; },
    select: function (i) { select(i); return cur; },
    side: function (s) { if (s === 'zh' || s === 'en') chooseSide(s); return side; },
    merge: merge,
    split: split,
    moveUp: moveUp,
    moveDown: moveDown,
    check: check,
    undo: undo,
    setThreshold: setThreshold,
    setWeakOnly: setWeakOnly,
    tmx: tmx,
    json: json,
    save: save,
    verify: verify,
    saved: function () { return { version: version, unsaved: dirty, error: saveError }; },
    readyMs: performance.now()
  };
  document.documentElement.dataset.ready = 'true';
})();
