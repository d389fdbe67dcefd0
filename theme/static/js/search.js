/*
 * 站内搜索: static full-text search over the index written by tools/jiebang/site/search/index.py.
 *
 * Plain ES2017, no dependencies, no requests beyond the index folder named by
 * <form id="search-form" data-index="/search/index/">. A query is split into terms at spaces and
 * punctuation (terms are ANDed); each term is matched exactly through positional character bigrams,
 * so every document containing it is found, whatever the word boundaries.
 * tokenize() must stay identical to tokenize() in tools/jiebang/site/search/tokens.py.
 */
(function () {
  'use strict';

  var ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_';
  var DIGIT = {};
  for (var d = 0; d < ALPHABET.length; d++) DIGIT[ALPHABET.charCodeAt(d)] = d;

  var WHITESPACE = new Set([9, 10, 11, 12, 13, 32, 0x85, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f,
    0x3000, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a]);
  var IGNORABLE = new Set([0xad, 0x200b, 0x200c, 0x200d, 0x2060, 0xfeff]);
  var BREAK_RANGES = [
    [0x00, 0x2f], [0x3a, 0x40], [0x5b, 0x60], [0x7b, 0xbf], [0xd7, 0xd7], [0xf7, 0xf7],
    [0x2000, 0x206f], [0x20a0, 0x20cf], [0x2100, 0x214f], [0x2190, 0x2bff], [0x2e00, 0x2e7f],
    [0x3000, 0x3004], [0x3008, 0x3020], [0x3030, 0x303f], [0xfe10, 0xfe1f], [0xfe30, 0xfe6f],
    [0xff00, 0xff0f], [0xff1a, 0xff20], [0xff3b, 0xff40], [0xff5b, 0xff65], [0xfff0, 0xffff],
    [0x1f000, 0x1faff]
  ];
  var DEFAULT_PAGE_SIZE = 50;
  var FORMAT_VERSION = 2;  // FORMAT_VERSION in tools/jiebang/site/search/index.py
  var SNIPPETS_AT_ONCE = 5;  // results whose text comes with the page; the rest's as they come into view

  function isBreak(cp) {
    for (var i = 0; i < BREAK_RANGES.length; i++) {
      if (cp >= BREAK_RANGES[i][0] && cp <= BREAK_RANGES[i][1]) return true;
    }
    return false;
  }
  function isDigit(cp) { return cp >= 0x30 && cp <= 0x39; }
  function isWord(cp) { return (cp >= 0x30 && cp <= 0x39) || (cp >= 0x61 && cp <= 0x7a); }
  function normalize(s) { return s.normalize('NFKC').toLowerCase(); }

  /*
   * Units of a text: one per CJK character, one per run of ASCII letters or digits; null marks a break.
   * With track=true each code point is normalised on its own so that starts/ends index the raw
   * text (for highlighting); queries normalise the whole string, as the indexer does.
   */
  function tokenize(text, track) {
    var chars = [];
    var pos = 0;
    for (var raw of (track ? text : normalize(text))) {
      var norm = track ? normalize(raw) : raw;
      for (var ch of norm) chars.push([ch, pos, pos + raw.length]);
      pos += raw.length;
    }
    var units = [], starts = [], ends = [];
    var word = '', wordStart = 0, wordEnd = 0, newlines = 0, spaced = false;
    function last() { return units.length ? units[units.length - 1] : null; }
    function push(u, s, e) { units.push(u); starts.push(s); ends.push(e); }
    for (var i = 0; i < chars.length; i++) {
      var c = chars[i][0], cp = c.codePointAt(0);
      if (isWord(cp)) {
        if (word && isDigit(word.charCodeAt(word.length - 1)) !== isDigit(cp)) {
          push(word, wordStart, wordEnd);  // 20MPa -> 20 | mpa, joined
          word = '';
        }
        if (!word && spaced && (newlines >= 2 || (last() !== null && isWord(last().charCodeAt(0))))) {
          push(null, 0, 0);
        }
        if (!word) { spaced = false; newlines = 0; wordStart = chars[i][1]; }
        word += c;
        wordEnd = chars[i][2];
        continue;
      }
      if (IGNORABLE.has(cp)) continue;
      if (word) { push(word, wordStart, wordEnd); word = ''; }
      if (WHITESPACE.has(cp)) {
        spaced = true;
        if (cp === 10) newlines += 1; else if (cp === 0x2029) newlines += 2;
        continue;
      }
      if (isBreak(cp)) {
        if (last() !== null) push(null, 0, 0);
      } else {
        if (spaced && newlines >= 2 && last() !== null) push(null, 0, 0);
        push(c, chars[i][1], chars[i][2]);
      }
      spaced = false;
      newlines = 0;
    }
    if (word) push(word, wordStart, wordEnd);
    while (units.length && units[units.length - 1] === null) { units.pop(); starts.pop(); ends.pop(); }
    while (units.length && units[0] === null) { units.shift(); starts.shift(); ends.shift(); }
    return track ? { units: units, starts: starts, ends: ends } : units;
  }

  function queryTerms(query) {
    var terms = [];
    normalize(query).split(/\s+/).forEach(function (chunk) {
      var current = [];
      tokenize(chunk, false).forEach(function (unit) {
        if (unit === null) {
          if (current.length) terms.push(current);
          current = [];
        } else {
          current.push(unit);
        }
      });
      if (current.length) terms.push(current);
    });
    return terms;
  }

  function bigramOffsets(length) {
    var offsets = [];
    for (var k = 0; k < length - 1; k += 2) offsets.push(k);
    if (offsets.length && offsets[offsets.length - 1] < length - 2) offsets.push(length - 2);
    return offsets;
  }

  var UTF8 = new TextEncoder();
  function shardOf(key, shards) {
    var h = 0x811c9dc5;
    var bytes = UTF8.encode(key);
    for (var i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
    return h & (shards - 1);
  }

  function decode(encoded) {
    var numbers = [], acc = 0;
    for (var i = 0; i < encoded.length; i++) {
      var v = DIGIT[encoded.charCodeAt(i)];
      if (v >= 32) { acc = acc * 32 + (v - 32); } else { numbers.push(acc * 32 + v); acc = 0; }
    }
    return numbers;
  }

  // doc id -> {pos: sorted positions, title: how many of them lie in the title}
  function decodeBigram(encoded) {
    var n = decode(encoded), out = new Map(), i = 0, doc = 0;
    while (i < n.length) {
      doc += n[i];
      var count = n[i + 1] >> 1, inTitle = 0;
      if (n[i + 1] & 1) { inTitle = n[i + 2]; i += 3; } else { i += 2; }
      var pos = new Array(count), p = 0;
      for (var j = 0; j < count; j++) { p += n[i + j]; pos[j] = p; }
      i += count;
      out.set(doc, { pos: pos, title: inTitle });
    }
    return out;
  }

  function Index(baseUrl) {
    this.base = new URL(baseUrl, document.baseURI);
    this.cache = new Map();
    this.meta = null;
  }
  Index.prototype.fetchJSON = function (path, options) {
    var self = this;
    if (!self.cache.has(path)) {
      var url = new URL(path, self.base);
      if (self.meta) url.search = '?v=' + self.meta.fingerprint;
      self.cache.set(path, fetch(url.href, options).then(function (r) {
        if (r.status === 404) return null;  // a shard that no key hashed into is never written
        if (!r.ok) throw new Error(r.status + ' ' + url.href);
        return r.json();
      }).catch(function (e) { self.cache.delete(path); throw e; }));
    }
    return self.cache.get(path);
  };
  Index.prototype.load = async function () {
    // Revalidate meta.json so a redeployed site never pairs old shards with new document numbers.
    if (!this.meta) {
      var meta = await this.fetchJSON('meta.json', { cache: 'no-cache' });
      if (!meta || meta.version !== FORMAT_VERSION) {
        throw new Error('no search index of version ' + FORMAT_VERSION + ' at ' + this.base.href);
      }
      this.meta = meta;
    }
    return this.meta;
  };
  // A key's value in its shard: postings, '@terms/<name>.json' for a key with a file of its own, or ''.
  Index.prototype.shardValue = async function (kind, key) {
    var meta = await this.load();
    var name = shardOf(key, meta.shards).toString(16);
    while (name.length < meta.shard_digits) name = '0' + name;
    var shard = await this.fetchJSON('shards/' + name + '.json');
    var value = shard ? shard[kind][key] : undefined;
    return value === undefined ? '' : value;
  };
  Index.prototype.lookup = async function (kind, key) {
    var value = await this.shardValue(kind, key);
    if (value.charAt(0) === '@') value = (await this.fetchJSON(value.slice(1))).v;
    return value;
  };
  // doc id -> [occurrences, in title] for one term (an array of units)
  Index.prototype.term = async function (units) {
    var out = new Map();
    if (units.length === 1) {
      var docs = decode(await this.lookup('u', units[0])), doc = 0;
      docs.forEach(function (delta) { doc += delta; out.set(doc, [1, false]); });
      return out;
    }
    var self = this, offsets = bigramOffsets(units.length);
    var lists = await Promise.all(offsets.map(function (k) {
      return self.lookup('b', units[k] + units[k + 1]).then(decodeBigram);
    }));
    lists[0].forEach(function (first, doc) {
      var others = [];
      for (var i = 1; i < lists.length; i++) {
        var entry = lists[i].get(doc);
        if (!entry) return;
        others.push([offsets[i], new Set(entry.pos)]);
      }
      var matches = first.pos.filter(function (p) {
        return others.every(function (o) { return o[1].has(p + o[0]); });
      });
      if (matches.length) {
        out.set(doc, [matches.length, first.title > 0 && matches[0] <= first.pos[first.title - 1]]);
      }
    });
    return out;
  };
  // A frequent bigram's documents, best first, read chunk by chunk from terms/<name>.r<k>.json as the
  // pages shown need them: a two-character query never reads the bigram's positions.
  function RankedHits(index, termFile, first) {
    this.index = index;
    this.file = termFile;
    this.total = first.n;
    this.chunks = first.c;
    this.loaded = 0;
    this.hits = [];
    this.add(first);
  }
  RankedHits.prototype.add = function (chunk) {
    var n = decode(chunk.r), i = 0;
    while (i < n.length) {
      var count = n[i] >> 1, inTitle = (n[i] & 1) === 1, size = n[i + 1], doc = 0;
      for (var j = 0; j < size; j++) {
        doc += n[i + 2 + j];
        this.hits.push({ doc: doc, count: count, inTitle: inTitle });
      }
      i += 2 + size;
    }
    this.loaded += 1;
  };
  RankedHits.prototype.upTo = async function (count) {
    while (this.hits.length < count && this.loaded < this.chunks) {
      this.add(await this.index.fetchJSON(this.file.replace(/\.json$/, '.r' + this.loaded + '.json')));
    }
    return this.hits.slice(0, count);
  };
  function AllHits(hits) { this.hits = hits; this.total = hits.length; }
  AllHits.prototype.upTo = async function (count) { return this.hits.slice(0, count); };

  // Ranked hits ({total, upTo(n)}): title matches first, then more occurrences, then index order.
  Index.prototype.search = async function (terms) {
    var self = this;
    if (terms.length === 1 && terms[0].length === 2) {
      var value = await this.shardValue('b', terms[0][0] + terms[0][1]);
      if (value.charAt(0) === '@') {
        var file = value.slice(1);
        return new RankedHits(this, file, await this.fetchJSON(file.replace(/\.json$/, '.r0.json')));
      }
    }
    var found = await Promise.all(terms.map(function (t) { return self.term(t); }));
    var hits = [];
    found[0].forEach(function (_, doc) {
      var count = 0, inTitle = false;
      for (var i = 0; i < found.length; i++) {
        var f = found[i].get(doc);
        if (!f) return;
        count += f[0];
        inTitle = inTitle || f[1];
      }
      hits.push({ doc: doc, count: count, inTitle: inTitle });
    });
    hits.sort(function (a, b) {
      return (b.inTitle - a.inTitle) || (b.count - a.count) || (a.doc - b.doc);
    });
    return new AllHits(hits);
  };
  Index.prototype.doc = function (id) { return this.fetchJSON('docs/' + id + '.json'); };
  Index.prototype.text = function (id) { return this.fetchJSON('text/' + id + '.json'); };

  // Raw-text ranges [start, end) where any term occurs, merged and sorted.
  function matchRanges(text, terms) {
    var t = tokenize(text, true), ranges = [];
    terms.forEach(function (term) {
      for (var i = 0; i + term.length <= t.units.length; i++) {
        var ok = true;
        for (var j = 0; j < term.length && ok; j++) ok = t.units[i + j] === term[j];
        if (ok) ranges.push([t.starts[i], t.ends[i + term.length - 1]]);
      }
    });
    ranges.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    var merged = [];
    ranges.forEach(function (r) {
      var prev = merged[merged.length - 1];
      if (prev && r[0] <= prev[1]) prev[1] = Math.max(prev[1], r[1]); else merged.push(r.slice());
    });
    return merged;
  }

  // Append text[from, to) to parent, wrapping the ranges in <mark>; built with text nodes, never HTML.
  function appendMarked(parent, text, ranges, from, to) {
    var at = from;
    ranges.forEach(function (r) {
      var s = Math.max(r[0], from), e = Math.min(r[1], to);
      if (e <= s) return;
      if (s > at) parent.appendChild(document.createTextNode(text.slice(at, s)));
      var mark = document.createElement('mark');
      mark.textContent = text.slice(s, e);
      parent.appendChild(mark);
      at = e;
    });
    if (at < to) parent.appendChild(document.createTextNode(text.slice(at, to)));
  }

  function fillSnippet(p, text, terms) {
    var ranges = matchRanges(text, terms);
    var from = 0, to = Math.min(text.length, 120);
    if (ranges.length) {
      from = Math.max(0, ranges[0][0] - 40);
      to = Math.min(text.length, ranges[0][1] + 80);
    }
    if (from > 0) p.appendChild(document.createTextNode('…'));
    appendMarked(p, text, ranges, from, to);
    if (to < text.length) p.appendChild(document.createTextNode('…'));
  }

  function renderHit(doc, terms) {
    var li = document.createElement('li');
    li.className = 'search-result';
    var h = document.createElement('h2');
    h.className = 'search-result-title';
    var a = document.createElement('a');
    a.href = doc.url;
    appendMarked(a, doc.title, matchRanges(doc.title, terms), 0, doc.title.length);
    h.appendChild(a);
    li.appendChild(h);
    if (doc.meta.length) {
      var meta = document.createElement('p');
      meta.className = 'search-result-meta';
      doc.meta.forEach(function (kv, i) {
        if (i) meta.appendChild(document.createTextNode(' · '));
        var span = document.createElement('span');
        span.dataset.key = kv[0];
        appendMarked(span, kv[1], matchRanges(kv[1], terms), 0, kv[1].length);
        meta.appendChild(span);
      });
      li.appendChild(meta);
    }
    var p = document.createElement('p');
    p.className = 'search-result-snippet';
    li.appendChild(p);  // filled when the document's text has come (loadSnippet)
    return li;
  }

  function init() {
    var form = document.getElementById('search-form');
    var input = document.getElementById('q');
    var list = document.getElementById('search-results');
    var status = document.getElementById('search-status');
    if (!form || !input || !list || !status || !form.dataset.index) return;
    var index = new Index(form.dataset.index);
    var pageSize = parseInt(form.dataset.pageSize, 10) || DEFAULT_PAGE_SIZE;
    var more = document.getElementById('search-more');
    if (!more) {
      more = document.createElement('button');
      more.type = 'button';
      more.id = 'search-more';
      more.textContent = '显示更多结果';
      list.parentNode.insertBefore(more, list.nextSibling);
    }
    more.hidden = true;
    var generation = 0, current = null, timer = 0;

    function report(state) {
      var q = '“' + state.query.trim() + '”';
      var total = state.results.total;
      if (!total) return '没有找到与' + q + '相关的结果。';
      var text = '找到 ' + total + ' 条与' + q + '相关的结果';
      return state.shown < total ? text + '，已显示前 ' + state.shown + ' 条。' : text + '。';
    }

    function loadSnippet(p, id, terms) {
      if (p.dataset.loading) return Promise.resolve();
      p.dataset.loading = 'true';
      return index.text(id).then(function (doc) { if (doc) fillSnippet(p, doc.text, terms); })
        .catch(function () { delete p.dataset.loading; });
    }
    // A snippet needs the document's whole text: fetch it only for results that come into view.
    var watcher = 'IntersectionObserver' in window ? new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (!entry.isIntersecting) return;
        watcher.unobserve(entry.target);
        var p = entry.target;
        if (p.searchState === current) loadSnippet(p, p.searchDoc, current.terms);
      });
    }, { rootMargin: '200px' }) : null;

    async function showPage(state) {
      var hits = (await state.results.upTo(state.shown + pageSize)).slice(state.shown);
      var ids = hits.map(function (h) { return h.doc; });
      var docs = await Promise.all(ids.map(function (id) { return index.doc(id); }));
      if (state !== current) return;
      var first = [];
      docs.forEach(function (doc, i) {
        if (!doc) return;
        var li = renderHit(doc, state.terms), p = li.lastChild;
        list.appendChild(li);
        if (i < SNIPPETS_AT_ONCE || !watcher) {
          first.push(loadSnippet(p, ids[i], state.terms));
        } else {
          p.searchState = state;
          p.searchDoc = ids[i];
          watcher.observe(p);
        }
      });
      // The count, the button and the status follow the results at once, not their snippets: a click
      // on 显示更多 meanwhile starts after these, and nothing on the page says less than it shows.
      state.shown += ids.length;
      more.hidden = state.shown >= state.results.total;
      status.textContent = report(state);
      await Promise.all(first);
    }

    async function run(query) {
      var mine = ++generation;
      var terms = queryTerms(query);
      list.dataset.query = query;
      current = null;
      more.hidden = true;
      if (!terms.length) {
        list.textContent = '';
        status.textContent = query.trim() ? '请输入要搜索的汉字、字母或数字。' : '';
        list.setAttribute('aria-busy', 'false');
        return;
      }
      list.setAttribute('aria-busy', 'true');
      status.textContent = '正在搜索…';
      try {
        var results = await index.search(terms);
        if (mine !== generation) return;
        var state = { results: results, terms: terms, query: query, shown: 0 };
        current = state;
        list.textContent = '';
        await showPage(state);
        if (mine !== generation) return;
      } catch (e) {
        if (mine !== generation) return;
        list.textContent = '';
        status.textContent = '搜索暂时不可用：无法加载搜索索引。';
      }
      list.setAttribute('aria-busy', 'false');
    }

    function remember(query) {
      var url = new URL(window.location.href);
      if (query) url.searchParams.set('q', query); else url.searchParams.delete('q');
      window.history.replaceState(null, '', url.href);
    }

    form.addEventListener('submit', function (event) {
      event.preventDefault();
      clearTimeout(timer);
      remember(input.value);
      run(input.value);
    });
    input.addEventListener('input', function (event) {
      if (event.isComposing) return;  // wait for the IME to commit the characters
      clearTimeout(timer);
      timer = setTimeout(function () { remember(input.value); run(input.value); }, 200);
    });
    input.addEventListener('compositionend', function () {
      clearTimeout(timer);
      timer = setTimeout(function () { remember(input.value); run(input.value); }, 200);
    });
    more.addEventListener('click', function () {
      if (current) showPage(current).catch(function () { status.textContent = '无法加载更多结果。'; });
    });

    var initial = new URLSearchParams(window.location.search).get('q');
    if (initial) {
      input.value = initial;
      run(initial);
    }
  }

  window.jiebangSearch = { tokenize: tokenize, queryTerms: queryTerms, shardOf: shardOf, decode: decode };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init); else init();
}());
