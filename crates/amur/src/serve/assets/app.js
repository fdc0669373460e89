// amur serve: the app page. Uploads files, starts alignments and shows their progress, lists
// past alignments, edits term lists. Text from the server reaches the page as textContent only.
(function () {
  'use strict';

  var $ = function (id) { return document.getElementById(id); };
  var RUNNING = { queued: 1, reading: 1, aligning: 1 };
  var alignments = [];
  var selected = {};
  var pollTimer = null;
  var termsOf = null; // the alignment whose terms are open
  var terms = [];

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  function say(target, msg, isError) {
    target.textContent = msg;
    target.className = isError ? 'error' : '';
  }

  // fetch, then the JSON answer; a failed request rejects with the server's words.
  function call(url, opts) {
    opts = opts || {};
    opts.credentials = 'same-origin';
    return fetch(url, opts).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (body) {
        if (!r.ok) throw new Error(body.error || 'the server answered ' + r.status);
        return body;
      });
    });
  }

  function postJson(url, value) {
    return call(url, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(value)
    });
  }

  function upload(file) {
    return call('/api/files?name=' + encodeURIComponent(file.name), {
      method: 'POST', headers: { 'Content-Type': 'application/octet-stream' }, body: file
    });
  }

  function size(bytes) {
    if (bytes >= 1048576) return (bytes / 1048576).toFixed(1) + ' MiB';
    if (bytes >= 1024) return Math.round(bytes / 1024) + ' KiB';
    return bytes + ' B';
  }

  function date(secs) {
    var d = new Date(secs * 1000);
    function p(n) { return (n < 10 ? '0' : '') + n; }
    return d.getFullYear() + '-' + p(d.getMonth() + 1) + '-' + p(d.getDate()) + ' ' +
      p(d.getHours()) + ':' + p(d.getMinutes());
  }

  // ---- starting alignments ------------------------------------------------------------------

  function alignPair() {
    var zh = $('zh-file').files[0];
    var en = $('en-file').files[0];
    var g = $('glossary-file').files[0];
    if (!zh || !en) { say($('message'), 'Pick a Chinese and an English document.', true); return; }
    $('align').disabled = true;
    say($('message'), 'Uploading…');
    var ids = {};
    upload(zh).then(function (f) { ids.zh = f.id; return upload(en); })
      .then(function (f) { ids.en = f.id; return g ? upload(g) : null; })
      .then(function (f) {
        if (f) ids.glossary = f.id;
        return postJson('/api/alignments', ids);
      })
      .then(function () {
        say($('message'), 'Aligning ' + zh.name + ' with ' + en.name + '…');
        $('zh-file').value = ''; $('en-file').value = ''; $('glossary-file').value = '';
        refresh();
      }, function (err) { say($('message'), err.message, true); })
      .then(function () { $('align').disabled = false; });
  }

  function alignMany() {
    var files = Array.prototype.slice.call($('many-files').files);
    if (files.length < 2) { say($('message'), 'Pick the files of at least one pair.', true); return; }
    $('align-many').disabled = true;
    say($('message'), 'Uploading ' + files.length + ' files…');
    var ids = [];
    files.reduce(function (p, f) {
      return p.then(function () { return upload(f).then(function (r) { ids.push(r.id); }); });
    }, Promise.resolve())
      .then(function () { return postJson('/api/batch', { files: ids }); })
      .then(function (r) {
        var msg = 'Aligning ' + r.ids.length + (r.ids.length === 1 ? ' pair' : ' pairs') + '.';
        if (r.warnings.length) msg += ' ' + r.warnings.join(' ');
        say($('message'), msg, r.warnings.length > 0);
        $('many-files').value = '';
        refresh();
      }, function (err) { say($('message'), err.message, true); })
      .then(function () { $('align-many').disabled = false; });
  }

  // ---- the list -----------------------------------------------------------------------------

  function link(text, href, cls) {
    var a = el('a', cls, text);
    a.href = href;
    return a;
  }

  function exportLinks(a) {
    var td = el('td', 'exports');
    if (a.status !== 'done') return td;
    var units = $('units').value;
    var base = '/api/alignments/' + a.id + '/export?units=' + units + '&format=';
    td.append(link('TMX', base + 'tmx'), link('TSV', base + 'tsv'), link('JSON', base + 'json'));
    if (a.weak_count > 0) {
      var w = link('weak (' + a.weak_count + ')', base + 'tmx&weak=1');
      w.title = 'The beads below 0.9 that are not checked, for a second look';
      td.append(w);
    }
    return td;
  }

  function statusCell(a) {
    var td = el('td', 'status-' + (RUNNING[a.status] ? 'running' : a.status));
    if (RUNNING[a.status]) {
      var secs = Math.max(0, Math.round(Date.now() / 1000 - a.created));
      td.append(el('span', null, (a.message || a.status) + ' · ' + secs + ' s'));
      var bar = el('div', 'bar');
      bar.append(el('span'));
      td.append(bar);
    } else if (a.status === 'failed') {
      td.append(el('span', null, 'failed: ' + a.message));
    } else {
      td.append(el('span', null, a.bead_count + ' beads'));
      if (a.weak_count) td.append(el('span', 'sub', a.weak_count + ' weak'));
    }
    a.notes.forEach(function (n) { td.append(el('span', 'sub notes', n)); });
    return td;
  }

  function row(a) {
    var tr = el('tr');
    tr.dataset.id = String(a.id);
    var boxCell = el('td');
    var box = el('input');
    box.type = 'checkbox';
    box.disabled = a.status !== 'done';
    box.checked = !!selected[a.id] && a.status === 'done';
    box.setAttribute('aria-label', 'Select ' + a.name);
    box.addEventListener('change', function () { selected[a.id] = box.checked; updateMerged(); });
    boxCell.append(box);
    var name = el('td');
    if (a.status === 'done') name.append(link(a.name, '/a/' + a.id, 'open'));
    else name.append(el('span', null, a.name));
    if (a.glossary_terms) name.append(el('span', 'sub', 'steered by ' + a.glossary_terms + ' terms'));
    var files = el('td');
    files.append(el('span', null, a.zh_name + ' (' + size(a.zh_size) + ')'));
    files.append(el('span', 'sub', a.en_name + ' (' + size(a.en_size) + ')'));
    var sentences = el('td', 'num', a.status === 'done' ? a.zh_count + ' / ' + a.en_count : '');
    var checked = el('td', 'num');
    if (a.status === 'done' && a.bead_count) {
      var pct = Math.round(100 * a.checked_count / a.bead_count);
      checked.append(el('span', null, a.checked_count + ' (' + pct + '%)'));
      var bar = el('div', 'checked-bar');
      var fill = el('span');
      fill.style.width = pct + '%';
      bar.append(fill);
      checked.append(bar);
    }
    var actions = el('td');
    if (a.status === 'done') {
      var t = el('button', 'minor', 'Terms');
      t.type = 'button';
      t.addEventListener('click', function () { openTerms(a); });
      actions.append(t, ' ');
    }
    if (!RUNNING[a.status]) {
      var d = el('button', 'minor', 'Delete');
      d.type = 'button';
      d.addEventListener('click', function () { remove(a); });
      actions.append(d);
    }
    tr.append(boxCell, name, el('td', null, date(a.created)), files, sentences, checked,
      statusCell(a), exportLinks(a), actions);
    return tr;
  }

  function render() {
    var body = $('list').tBodies[0];
    body.textContent = '';
    alignments.forEach(function (a) { body.append(row(a)); });
    $('empty').hidden = alignments.length > 0;
    updateMerged();
  }

  function selectedIds() {
    return alignments.filter(function (a) { return selected[a.id] && a.status === 'done'; })
      .map(function (a) { return a.id; }).reverse();
  }

  function updateMerged() {
    $('export-merged').disabled = selectedIds().length === 0;
  }

  function refresh() {
    return call('/api/alignments').then(function (r) {
      alignments = r.alignments;
      render();
      var running = alignments.some(function (a) { return RUNNING[a.status]; });
      clearTimeout(pollTimer);
      if (running) pollTimer = setTimeout(refresh, 400);
    }, function (err) { say($('message'), err.message, true); });
  }

  function remove(a) {
    if (!window.confirm('Delete the alignment ' + a.name + ' and its review?')) return;
    postJson('/api/alignments/' + a.id + '/delete', {}).then(refresh, function (err) {
      say($('message'), err.message, true);
    });
  }

  // ---- terms --------------------------------------------------------------------------------

  function termInput(t, key, label) {
    var td = el('td');
    var input = el('input');
    input.value = t[key];
    input.setAttribute('aria-label', label);
    input.addEventListener('input', function () { t[key] = input.value; });
    td.append(input);
    return td;
  }

  function renderTerms() {
    var body = $('terms-table').tBodies[0];
    body.textContent = '';
    terms.forEach(function (t, i) {
      var tr = el('tr');
      var del = el('button', 'minor', '×');
      del.type = 'button';
      del.title = 'Delete this term';
      del.addEventListener('click', function () { terms.splice(i, 1); renderTerms(); });
      var d = el('td');
      d.append(del);
      tr.append(termInput(t, 'zh', 'Chinese'), termInput(t, 'en', 'English'),
        termInput(t, 'comment', 'Comment'), d);
      body.append(tr);
    });
    $('terms-title').textContent = 'Terms of ' + termsOf.name + ' (' + terms.length + ')';
  }

  function showTerms(r, msg) {
    terms = r.terms;
    renderTerms();
    var problems = r.problems || [];
    say($('terms-message'), problems.length ? problems.join(' ') : msg || '', problems.length > 0);
  }

  function openTerms(a) {
    termsOf = a;
    $('terms').hidden = false;
    ['tsv', 'csv', 'tbx'].forEach(function (f) {
      $('terms-' + f).href = '/api/alignments/' + a.id + '/terms/export?format=' + f;
    });
    call('/api/alignments/' + a.id + '/terms').then(function (r) {
      showTerms(r, r.terms.length ? '' : 'No terms yet: extract them or load a glossary.');
      $('terms').scrollIntoView();
    }, function (err) { say($('terms-message'), err.message, true); });
  }

  function termsCall(p, msg) {
    say($('terms-message'), 'Working…');
    return p.then(function (r) { showTerms(r, msg(r)); },
      function (err) { say($('terms-message'), err.message, true); });
  }

  function extractTerms() {
    termsCall(postJson('/api/alignments/' + termsOf.id + '/terms/extract', {}), function (r) {
      return r.terms.length + ' recurring terms found.';
    });
  }

  function saveTerms() {
    return termsCall(postJson('/api/alignments/' + termsOf.id + '/terms', { terms: terms }), function (r) {
      return r.terms.length + ' terms saved.';
    }).then(refresh);
  }

  function loadTerms() {
    var f = $('terms-file').files[0];
    if (!f) return;
    termsCall(call('/api/alignments/' + termsOf.id + '/terms/load?name=' + encodeURIComponent(f.name), {
      method: 'POST', headers: { 'Content-Type': 'application/octet-stream' }, body: f
    }), function (r) { return r.terms.length + ' terms after loading ' + f.name + '.'; })
      .then(function () { $('terms-file').value = ''; });
  }

  function realign() {
    postJson('/api/alignments/' + termsOf.id + '/terms', { terms: terms })
      .then(function () { return postJson('/api/alignments/' + termsOf.id + '/realign', {}); })
      .then(function () {
        say($('terms-message'), 'Aligning again with ' + terms.length + ' terms: see the list.');
        refresh();
      }, function (err) { say($('terms-message'), err.message, true); });
  }

  // ---- start --------------------------------------------------------------------------------

  $('align').addEventListener('click', alignPair);
  $('align-many').addEventListener('click', alignMany);
  $('units').addEventListener('change', render);
  $('select-all').addEventListener('change', function () {
    alignments.forEach(function (a) { selected[a.id] = $('select-all').checked; });
    render();
  });
  $('export-merged').addEventListener('click', function () {
    window.location.href = '/api/export?units=' + $('units').value + '&ids=' + selectedIds().join(',');
  });
  $('terms-close').addEventListener('click', function () { $('terms').hidden = true; });
  $('terms-extract').addEventListener('click', extractTerms);
  $('terms-save').addEventListener('click', saveTerms);
  $('terms-file').addEventListener('change', loadTerms);
  $('terms-add').addEventListener('click', function () {
    terms.unshift({ zh: '', en: '', comment: '' });
    renderTerms();
    $('terms-table').tBodies[0].querySelector('input').focus();
  });
  $('terms-realign').addEventListener('click', realign);
  ['drop', 'drop-many'].forEach(function (id) {
    var zone = $(id);
    zone.addEventListener('dragover', function () { zone.classList.add('over'); });
    zone.addEventListener('dragleave', function () { zone.classList.remove('over'); });
    zone.addEventListener('drop', function () { zone.classList.remove('over'); });
  });
  refresh().then(function () { document.documentElement.dataset.ready = 'true'; });
  window.amurApp = { refresh: refresh, alignments: function () { return alignments; } };
})();
