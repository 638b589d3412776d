/* Offline full-text search: the index is built with the site (notes_site/search.py) and read
   here, with no server and no request leaving the site. It works over http, under a sub-path
   and from disk (file://): index files are scripts, loaded with <script> tags, each calling
   notesSearchIndex(name, data); nothing uses fetch(), which Chromium blocks on file://.

   Markup contract (the default theme writes it; another theme may copy it):

   Every page, once (the header box; without script it submits to the search page):
     <form class="search-form" role="search" action="ROOT/search/" method="get">
       <label class="visually-hidden" for="site-search">Search</label>
       <input type="search" id="site-search" name="q" autocomplete="off">
     </form>
     <script defer src="ROOT/js/search.js"></script>

   The search page (search/index.html) adds, anywhere in the page:
     <form class="search-form" …> with its own <input type="search" name="q">
     <p class="search-status" role="status" aria-live="polite"
        data-loading="Searching…" data-results="Notes matching “{q}”: {n}"
        data-none="No notes match “{q}”." data-error="…"></p>
     <ol class="search-results" data-root="ROOT" data-more="More results"></ol>
   ROOT is the relative path back to the site root ("../" on search/index.html). The index is
   read from ROOT/search/index/. Without data-root, the root is taken as the folder above
   this script (ROOT/js/search.js).

   The search page runs ?q=… on load and then searches as the reader types. Arrow keys move
   between the input and the results, Enter opens a result, Escape clears. When a result list
   is drawn the list fires "notes-search:results" with {query, count, ms} (used by the tests
   and benchmarks/search_index.py). */
(function () {
  'use strict';
  if (window.notesSearchIndex) return; // the script was included twice

  var PAGE_SIZE = 10;
  var TITLE_BOOST = 2; // a term in the title counts three times a term in the body
  var PREFIX_FACTOR = 0.6; // "transf" finding "transformer" counts less than an exact word
  var SNIPPET_LENGTH = 140;
  // Keep in step with CJK_RANGES in notes_site/search.py (tests/test_search.py checks it).
  var CJK = '\u3005\u3007\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff' +
    '\uff66-\uff9f\u1100-\u11ff\u3130-\u318f\uac00-\ud7af\u{20000}-\u{3134f}';
  var CJK_RUN = new RegExp('[' + CJK + ']+', 'gu');
  var CJK_CHAR = new RegExp('^[' + CJK + ']', 'u');
  var WORD = /[\p{L}\p{N}]+/gu;
  var WORD_CHAR = /[\p{L}\p{N}]/u;
  var TERMINAL = '0123456789ABCDEFGHIJKLMNOPQRSTUV';
  var CONTINUATION = 'WXYZabcdefghijklmnopqrstuvwxyz-_';

  var script = document.currentScript;
  var onDisk = location.protocol === 'file:';
  var loaded = {};       // script name -> data, filled by notesSearchIndex()
  var requests = {};     // script name -> Promise of its data
  var postings = {};     // term -> decoded postings
  var meta = null;

  window.notesSearchIndex = function (name, data) { loaded[name] = data; };

  /* ---------- the site and its index ---------- */

  var results = document.querySelector('ol.search-results');
  var status = document.querySelector('.search-status');
  var siteRoot = results && results.hasAttribute('data-root')
    ? new URL(results.getAttribute('data-root') || './', document.baseURI).href
    : new URL('../', script ? script.src : document.baseURI).href;
  var indexRoot = new URL('search/index/', siteRoot).href;

  function loadScript(name, query) {
    if (!requests[name]) {
      requests[name] = new Promise(function (resolve, reject) {
        var element = document.createElement('script');
        element.src = indexRoot + name + '.js' + (query ? '?' + query : '');
        element.async = true;
        element.onload = function () {
          element.remove();
          if (name in loaded) resolve(loaded[name]);
          else reject(new Error('search index file ' + name + '.js did not register'));
          delete loaded[name];
        };
        element.onerror = function () {
          element.remove();
          delete requests[name];
          reject(new Error('cannot load search index file ' + name + '.js'));
        };
        document.head.appendChild(element);
      });
    }
    return requests[name];
  }

  function loadMeta() {
    // meta.js names this build, so it is never taken from the cache (files on disk are never stale).
    return loadScript('meta', onDisk ? '' : 't=' + Date.now()).then(function (data) {
      meta = data;
      return data;
    });
  }

  function loadIndexFile(name) {
    return loadScript(name, onDisk ? '' : 'v=' + meta.version);
  }

  /* ---------- terms: the same rules as notes_site/search.py ---------- */

  var CRC_TABLE = (function () {
    var table = new Int32Array(256);
    for (var n = 0; n < 256; n++) {
      var c = n;
      for (var k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c;
    }
    return table;
  })();
  var encoder = new TextEncoder();

  function crc32(text) {
    var bytes = encoder.encode(text), crc = -1;
    for (var i = 0; i < bytes.length; i++) crc = CRC_TABLE[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
    return (crc ^ -1) >>> 0;
  }

  function shardKey(term) {
    return CJK_CHAR.test(term) ? term : Array.from(term).slice(0, meta.prefix).join('');
  }

  function shardName(term) {
    var width = (meta.shards - 1).toString(16).length;
    var number = (crc32(shardKey(term)) & (meta.shards - 1)).toString(16);
    return 't/' + '0'.repeat(Math.max(0, width - number.length)) + number;
  }

  /* A crude stem for English words, so that "models" also finds "model" and "modeling"; it keeps
     four letters at least ("string" stays "string", not "str", which would find "stream"). */
  function stem(word) {
    var suffixes = ['ing', 'es', 'ed', 's'];
    for (var i = 0; i < suffixes.length; i++) {
      var cut = word.length - suffixes[i].length;
      if (word.endsWith(suffixes[i]) && Array.from(word.slice(0, cut)).length >= 4) return word.slice(0, cut);
    }
    return word;
  }

  /* A query is a list of groups; a note matches a group when it has all the group's terms
     (every bigram of a CJK run) or, for a word, the word or a word it starts. */
  function parseQuery(query) {
    var text = query.normalize('NFKC').toLowerCase();
    var groups = [];
    var runs = text.match(CJK_RUN) || [];
    runs.forEach(function (run) {
      var chars = Array.from(run), terms = [];
      if (chars.length === 1) terms.push(run);
      for (var i = 0; i + 1 < chars.length; i++) {
        var bigram = chars[i] + chars[i + 1];
        if (terms.indexOf(bigram) < 0) terms.push(bigram);
      }
      groups.push({ kind: 'cjk', text: run, terms: terms });
    });
    var words = text.replace(CJK_RUN, ' ').match(WORD) || [];
    words.forEach(function (word) {
      var prefix = Array.from(word).length >= meta.prefix;
      groups.push({ kind: 'word', text: word, stem: prefix ? stem(word) : word, prefix: prefix, terms: [word] });
    });
    return groups.filter(function (group, index) {
      return groups.findIndex(function (other) { return other.kind === group.kind && other.text === group.text; }) === index;
    });
  }

  /* ---------- postings ---------- */

  var DIGITS = new Int8Array(128).fill(-1);
  for (var d = 0; d < 32; d++) {
    DIGITS[TERMINAL.charCodeAt(d)] = d;
    DIGITS[CONTINUATION.charCodeAt(d)] = 32 + d;
  }

  function decode(encoded) {
    var docs = new Int32Array(encoded.length), codes = new Uint8Array(encoded.length);
    var count = 0, doc = -1, value = 0;
    for (var i = 0; i < encoded.length; i++) {
      var digit = DIGITS[encoded.charCodeAt(i)];
      value = value * 32 + (digit & 31);
      if (digit < 32) {
        doc += Math.floor(value / 16) + 1;
        docs[count] = doc;
        codes[count] = value % 16;
        count++;
        value = 0;
      }
    }
    return { docs: docs.subarray(0, count), codes: codes.subarray(0, count) };
  }

  function termPostings(shard, term) {
    if (!(term in postings)) postings[term] = term in shard ? decode(shard[term]) : null;
    return postings[term];
  }

  function idf(count) {
    return Math.log(1 + (meta.docs - count + 0.5) / (count + 0.5));
  }

  function weight(code) {
    return ((code & 7) + 1) / 8 + (code & 8 ? TITLE_BOOST : 0);
  }

  /* The docs of one group and their scores: {docs: [doc…], scores: Float64Array by doc}.
     Typed arrays over all docs rather than Maps: a common word has postings in most notes. */
  function groupScores(group, shards) {
    var scores = new Float64Array(meta.docs), docs = [];
    if (group.kind === 'cjk') {
      var hits = new Uint8Array(meta.docs), lists = [];
      for (var t = 0; t < group.terms.length; t++) {
        var found = termPostings(shards[shardName(group.terms[t])], group.terms[t]);
        if (!found) return { docs: [], scores: scores }; // one bigram is nowhere: no note has the whole run
        lists.push(found);
      }
      lists.forEach(function (list) {
        var factor = idf(list.docs.length);
        for (var i = 0; i < list.docs.length; i++) {
          var doc = list.docs[i];
          if (++hits[doc] === lists.length) docs.push(doc);
          scores[doc] += factor * weight(list.codes[i]);
        }
      });
      return { docs: docs, scores: scores };
    }
    var shard = shards[shardName(group.text)];
    var terms = group.prefix
      ? Object.keys(shard).filter(function (term) { return term.startsWith(group.stem); })
      : [group.text];
    terms.forEach(function (term) {
      var list = termPostings(shard, term);
      if (!list) return;
      var factor = idf(list.docs.length) * (term === group.text || term === group.stem ? 1 : PREFIX_FACTOR);
      for (var i = 0; i < list.docs.length; i++) {
        var score = factor * weight(list.codes[i]), doc = list.docs[i];
        if (scores[doc] === 0) docs.push(doc);
        if (score > scores[doc]) scores[doc] = score;
      }
    });
    return { docs: docs, scores: scores };
  }

  /* Notes matching more groups first, then by score; ties by doc number (the index's order).
     Each note's place is packed into one number, (groups, score, doc) from the high bits down,
     so that a native numeric sort does the work: ten times faster than a comparator. */
  function rank(groups, shards) {
    var matched = new Uint8Array(meta.docs), total = new Float64Array(meta.docs), found = [];
    groups.forEach(function (group) {
      var scored = groupScores(group, shards);
      scored.docs.forEach(function (doc) {
        if (matched[doc]++ === 0) found.push(doc);
        total[doc] += scored.scores[doc];
      });
    });
    var docBits = Math.pow(2, 20), scoreBits = Math.pow(2, 26), keys = new Float64Array(found.length);
    found.forEach(function (doc, index) {
      var score = Math.min(scoreBits - 1, Math.round(total[doc] * 4096));
      keys[index] = ((Math.min(matched[doc], 127) * scoreBits + score) * docBits + (docBits - 1 - doc));
    });
    keys.sort().reverse();
    return Array.from(keys, function (key) { return docBits - 1 - key % docBits; });
  }

  function search(query) {
    return loadMeta().then(function () {
      var groups = parseQuery(query);
      var names = [];
      groups.forEach(function (group) {
        (group.kind === 'word' ? [group.text] : group.terms).forEach(function (term) {
          var name = shardName(term);
          if (names.indexOf(name) < 0) names.push(name);
        });
      });
      return Promise.all(names.map(loadIndexFile)).then(function (files) {
        var shards = {};
        names.forEach(function (name, index) { shards[name] = files[index]; });
        return { groups: groups, ranked: rank(groups, shards) };
      });
    });
  }

  function loadDocs(docNumbers) {
    var groups = [];
    docNumbers.forEach(function (doc) {
      var group = Math.floor(doc / meta.group);
      if (groups.indexOf(group) < 0) groups.push(group);
    });
    return Promise.all(groups.map(function (group) { return loadIndexFile('d/' + group); })).then(function (files) {
      return docNumbers.map(function (doc) {
        var record = files[groups.indexOf(Math.floor(doc / meta.group))][doc % meta.group];
        return { title: record[0], path: record[1], category: record[2], text: record[3] };
      });
    });
  }

  /* ---------- snippets and highlighting ---------- */

  function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }

  /* Finds what to <mark>: whole CJK runs (or their bigrams), words and the words they start. */
  function matcher(groups) {
    var latinLetter = '(?![' + CJK + '])[\\p{L}\\p{N}]'; // CJK text may follow a word without a space
    var parts = [];
    groups.forEach(function (group) {
      if (group.kind === 'cjk') {
        parts.push(escapeRegExp(group.text));
        group.terms.forEach(function (term) { parts.push(escapeRegExp(term)); });
      } else {
        parts.push(escapeRegExp(group.stem) + (group.prefix ? '(?:' + latinLetter + ')*' : '(?!' + latinLetter + ')'));
      }
    });
    parts.sort(function (a, b) { return b.length - a.length; });
    var pattern = new RegExp(parts.join('|'), 'giu');
    return function (text) {
      var found = [], match;
      pattern.lastIndex = 0;
      while ((match = pattern.exec(text)) !== null) {
        if (match[0] === '') { pattern.lastIndex++; continue; }
        var before = text.charAt(match.index - 1);
        // a word must start a word ("form" does not match "transformer"); CJK can start anywhere
        if (!CJK_CHAR.test(match[0]) && before && WORD_CHAR.test(before) && !CJK_CHAR.test(before)) continue;
        found.push({ start: match.index, end: match.index + match[0].length, text: match[0].toLowerCase() });
      }
      return found;
    };
  }

  /* The window of the text with the most different matches, starting a little before the first
     of them, at a space if there is one close by, and never shorter than it could be. */
  function snippetRange(text, matches) {
    if (text.length <= SNIPPET_LENGTH || !matches.length) return [0, Math.min(text.length, SNIPPET_LENGTH)];
    var best = 0, bestCount = 0;
    for (var i = 0; i < matches.length; i++) {
      var seen = new Set();
      for (var j = i; j < matches.length && matches[j].end <= matches[i].start + SNIPPET_LENGTH; j++) {
        seen.add(matches[j].text);
      }
      if (seen.size > bestCount) { best = i; bestCount = seen.size; }
    }
    var first = matches[best].start;
    var start = Math.min(Math.max(0, first - 20), text.length - SNIPPET_LENGTH);
    var space = text.lastIndexOf(' ', first - 1);
    if (space >= start - 10 && space < first) start = space + 1;
    return [start, Math.min(text.length, start + SNIPPET_LENGTH)];
  }

  function appendMarked(element, text, matches, start, end) {
    var at = start;
    matches.forEach(function (match) {
      if (match.start < at || match.end > end) return;
      element.appendChild(document.createTextNode(text.slice(at, match.start)));
      var mark = document.createElement('mark');
      mark.textContent = text.slice(match.start, match.end);
      element.appendChild(mark);
      at = match.end;
    });
    element.appendChild(document.createTextNode(text.slice(at, end)));
  }

  /* ---------- the page ---------- */

  function pageUrl(path) {
    var href = siteRoot + path;
    if (onDisk && (path === '' || path.slice(-1) === '/')) href += 'index.html';
    return href;
  }

  function resultItem(doc, find) {
    var item = document.createElement('li');
    item.className = 'search-result';
    var link = document.createElement('a');
    link.className = 'search-result-title';
    link.href = pageUrl(doc.path);
    appendMarked(link, doc.title, find(doc.title), 0, doc.title.length);
    item.appendChild(link);
    if (doc.category) {
      var category = document.createElement('span');
      category.className = 'search-result-category';
      category.textContent = doc.category;
      item.appendChild(category);
    }
    var matches = find(doc.text), range = snippetRange(doc.text, matches);
    var snippet = document.createElement('p');
    snippet.className = 'search-result-snippet';
    if (range[0] > 0) snippet.appendChild(document.createTextNode('…'));
    appendMarked(snippet, doc.text, matches, range[0], range[1]);
    if (range[1] < doc.text.length) snippet.appendChild(document.createTextNode('…'));
    item.appendChild(snippet);
    return item;
  }

  function message(name, values) {
    var template = (status && status.getAttribute('data-' + name)) || '';
    return template.replace(/\{(\w+)\}/g, function (whole, key) { return key in values ? values[key] : whole; });
  }

  function setStatus(text) {
    if (status && status.textContent !== text) status.textContent = text; // aria-live: say it once
  }

  function inputs() {
    return Array.prototype.slice.call(document.querySelectorAll('form.search-form input[name="q"]'));
  }

  function resultLinks() {
    return Array.prototype.slice.call(results.querySelectorAll('a.search-result-title'));
  }

  var generation = 0;
  var lastInput = null;
  var moreButton = null;

  function clearResults() {
    generation++;
    results.textContent = '';
    results.removeAttribute('data-query');
    if (moreButton) moreButton.hidden = true;
    setStatus('');
  }

  function showPage(state, from) {
    var slice = state.ranked.slice(from, from + PAGE_SIZE);
    return loadDocs(slice).then(function (docs) {
      if (state.generation !== generation) return;
      var find = matcher(state.groups);
      docs.forEach(function (doc) { results.appendChild(resultItem(doc, find)); });
      state.shown = from + slice.length;
      moreButton.hidden = state.shown >= state.ranked.length;
    });
  }

  function run(query) {
    query = query.trim();
    if (!query) { clearResults(); updateAddress(''); return Promise.resolve(); }
    var mine = ++generation, started = performance.now();
    var slow = setTimeout(function () { if (mine === generation) setStatus(message('loading', { q: query })); }, 150);
    return search(query).then(function (found) {
      if (mine !== generation) return;
      var state = { generation: mine, groups: found.groups, ranked: found.ranked, shown: 0 };
      results.textContent = '';
      moreButton.onclick = function () {
        var first = state.shown;
        showPage(state, first).then(function () {
          var links = resultLinks();
          if (links[first]) links[first].focus();
        });
      };
      return showPage(state, 0).then(function () {
        if (mine !== generation) return;
        clearTimeout(slow);
        var count = found.ranked.length;
        setStatus(count ? message('results', { n: count, q: query }) : message('none', { q: query }));
        results.setAttribute('data-query', query);
        updateAddress(query);
        results.dispatchEvent(new CustomEvent('notes-search:results', {
          detail: { query: query, count: count, ms: performance.now() - started },
        }));
      });
    }).catch(function (error) {
      clearTimeout(slow);
      if (mine === generation) setStatus(message('error', { q: query }) || String(error.message));
      throw error;
    });
  }

  function updateAddress(query) {
    try {
      var url = new URL(location.href);
      if (query) url.searchParams.set('q', query); else url.searchParams.delete('q');
      if (url.href !== location.href) history.replaceState(history.state, '', url.href);
    } catch (error) { /* some browsers refuse replaceState on file:// */ }
  }

  function focusResult(index) {
    var links = resultLinks();
    if (index < 0) { (lastInput || inputs()[0]).focus(); return; }
    if (links.length) links[Math.min(index, links.length - 1)].focus();
  }

  function clearQuery() {
    inputs().forEach(function (input) { input.value = ''; });
    run('');
    (lastInput || inputs()[0]).focus();
  }

  function enhanceSearchPage() {
    moreButton = document.createElement('button');
    moreButton.type = 'button';
    moreButton.className = 'btn search-more';
    moreButton.textContent = results.getAttribute('data-more') || 'More';
    moreButton.hidden = true;
    results.insertAdjacentElement('afterend', moreButton);

    inputs().forEach(function (input) {
      function changed() {
        lastInput = input;
        inputs().forEach(function (other) { if (other !== input) other.value = input.value; });
        run(input.value).catch(function () {});
      }
      input.addEventListener('input', function (event) { if (!event.isComposing) changed(); });
      input.addEventListener('compositionend', changed);
      input.addEventListener('keydown', function (event) {
        if (event.key === 'ArrowDown') { event.preventDefault(); lastInput = input; focusResult(0); }
        else if (event.key === 'Escape') { event.preventDefault(); lastInput = input; clearQuery(); }
      });
      input.form.addEventListener('submit', function (event) {
        event.preventDefault();
        changed();
      });
    });

    results.addEventListener('keydown', function (event) {
      var index = resultLinks().indexOf(document.activeElement);
      if (index < 0) return;
      if (event.key === 'ArrowDown') { event.preventDefault(); focusResult(index + 1); }
      else if (event.key === 'ArrowUp') { event.preventDefault(); focusResult(index - 1); }
      else if (event.key === 'Escape') { event.preventDefault(); clearQuery(); }
    });

    var query = new URLSearchParams(location.search).get('q') || '';
    inputs().forEach(function (input) { input.value = query; });
    if (query) run(query).catch(function () {});
    else {
      loadMeta().catch(function () {}); // a head start: the first query then needs one round trip less
      if (inputs().length) inputs()[inputs().length - 1].focus();
    }
  }

  function enhanceHeaderForms() {
    // From disk, "search/" would show a folder listing: point the box at the page itself.
    if (!onDisk) return;
    Array.prototype.forEach.call(document.querySelectorAll('form.search-form'), function (form) {
      var action = form.getAttribute('action');
      if (action && action.slice(-1) === '/') form.setAttribute('action', action + 'index.html');
    });
  }

  enhanceHeaderForms();
  if (results) enhanceSearchPage();
})();
