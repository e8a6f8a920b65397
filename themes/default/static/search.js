// Waymark search: plain JavaScript, no framework, no fetch() (which file:// forbids).
// The index is a set of small scripts written by `waymark build` (src/render/search):
// search/manifest.js first, then only the term chunks (search/t/N.js) a query needs and
// the document chunks (search/d/N.js) of the results shown. Each hands its data to
// window.waymarkSearch, deflated and written as Z85 text; the browser's own
// DecompressionStream inflates it. Record text is only ever put on the page as text nodes.
(function () {
  "use strict";

  // ---- Words and stems: the same rules as src/render/search/tokenise.rs ----

  var WORD = /[\p{Alphabetic}\p{Nd}\p{Nl}\p{No}]+/gu;
  var MAX_WORD = 40;

  function words(text) {
    var out = [];
    var m;
    WORD.lastIndex = 0;
    while ((m = WORD.exec(text)) !== null) {
      var n = Array.from(m[0]).length;
      if (n >= 2 && n <= MAX_WORD) out.push({ at: m.index, end: m.index + m[0].length, word: m[0].toLowerCase() });
    }
    return out;
  }

  // The English (Porter2) Snowball stemmer, as the rust-stemmers crate applies it.
  var EXCEPTIONS1 = {
    skis: "ski", skies: "sky", dying: "die", lying: "lie", tying: "tie", idly: "idl", gently: "gentl",
    ugly: "ugli", early: "earli", only: "onli", singly: "singl", sky: "sky", news: "news", howe: "howe",
    atlas: "atlas", cosmos: "cosmos", bias: "bias", andes: "andes"
  };
  var EXCEPTIONS2 = ["inning", "outing", "canning", "herring", "earring", "proceed", "exceed", "succeed"];
  var STEP2 = [
    ["ization", "ize"], ["ational", "ate"], ["fulness", "ful"], ["ousness", "ous"], ["iveness", "ive"],
    ["tional", "tion"], ["biliti", "ble"], ["lessli", "less"], ["entli", "ent"], ["ation", "ate"],
    ["alism", "al"], ["aliti", "al"], ["ousli", "ous"], ["iviti", "ive"], ["fulli", "ful"], ["enci", "ence"],
    ["anci", "ance"], ["abli", "able"], ["izer", "ize"], ["ator", "ate"], ["alli", "al"], ["bli", "ble"],
    ["ogi", "og"], ["li", ""]
  ];
  var STEP3 = [
    ["ational", "ate"], ["tional", "tion"], ["alize", "al"], ["icate", "ic"], ["iciti", "ic"], ["ative", ""],
    ["ical", "ic"], ["ness", ""], ["ful", ""]
  ];
  var STEP4 = [
    "ement", "ance", "ence", "able", "ible", "ment", "ant", "ent", "ism", "ate", "iti", "ous", "ive", "ize",
    "ion", "al", "er", "ic"
  ];

  function isV(c) { return c === "a" || c === "e" || c === "i" || c === "o" || c === "u" || c === "y"; }

  // Whether w[0..end) ends in a short syllable.
  function shortSyllable(w, end) {
    if (end === 2) return isV(w[0]) && !isV(w[1]);
    if (end < 3) return false;
    var c = w[end - 1];
    return !isV(w[end - 3]) && isV(w[end - 2]) && !isV(c) && c !== "w" && c !== "x" && c !== "Y";
  }

  function longest(w, list, key) {
    var best = null;
    for (var i = 0; i < list.length; i++) {
      var s = key ? list[i][0] : list[i];
      if ((!best || s.length > (key ? best[0] : best).length) && w.length >= s.length && w.slice(-s.length) === s) {
        best = list[i];
      }
    }
    return best;
  }

  function stem(word) {
    if (!/^[a-z]+$/.test(word)) return word;
    if (Object.prototype.hasOwnProperty.call(EXCEPTIONS1, word)) return EXCEPTIONS1[word];
    if (word.length < 3) return word;
    var w = word.split("");
    if (w[0] === "y") w[0] = "Y";
    for (var i = 1; i < w.length; i++) if (w[i] === "y" && isV(w[i - 1])) w[i] = "Y";
    w = w.join("");
    // Regions: R1 after the first non-vowel that follows a vowel; R2 the same again within R1.
    var p1 = w.length, p2 = w.length;
    var m = /^(gener|commun|arsen)/.exec(w);
    var k;
    if (m) p1 = m[0].length;
    else {
      for (k = 1; k < w.length; k++) if (!isV(w[k]) && isV(w[k - 1])) { p1 = k + 1; break; }
    }
    for (k = p1 + 1; k < w.length; k++) if (!isV(w[k]) && isV(w[k - 1])) { p2 = k + 1; break; }
    var hasVowel = function (s) { for (var j = 0; j < s.length; j++) if (isV(s[j])) return true; return false; };
    // Step 1a
    if (/sses$/.test(w)) w = w.slice(0, -2);
    else if (/(ied|ies)$/.test(w)) w = w.slice(0, -3) + (w.length > 4 ? "i" : "ie");
    else if (/(us|ss)$/.test(w)) { /* unchanged */ }
    else if (/s$/.test(w) && hasVowel(w.slice(0, -2))) w = w.slice(0, -1);
    if (EXCEPTIONS2.indexOf(w) >= 0) return w;
    // Step 1b
    var s1b = longest(w, ["eedly", "ingly", "edly", "eed", "ing", "ed"], false);
    if (s1b === "eed" || s1b === "eedly") {
      if (w.length - s1b.length >= p1) w = w.slice(0, -s1b.length) + "ee";
    } else if (s1b && hasVowel(w.slice(0, -s1b.length))) {
      w = w.slice(0, -s1b.length);
      if (/(at|bl|iz)$/.test(w)) w += "e";
      else if (/(bb|dd|ff|gg|mm|nn|pp|rr|tt)$/.test(w)) w = w.slice(0, -1);
      else if (w.length === p1 && shortSyllable(w, w.length)) w += "e";
    }
    // Step 1c
    if (w.length > 2 && /[yY]$/.test(w) && !isV(w[w.length - 2])) w = w.slice(0, -1) + "i";
    // Step 2
    var s2 = longest(w, STEP2, true);
    if (s2 && w.length - s2[0].length >= p1) {
      var before = w[w.length - s2[0].length - 1];
      if (s2[0] === "ogi") { if (before === "l") w = w.slice(0, -3) + "og"; }
      else if (s2[0] === "li") { if (before && "cdeghkmnrt".indexOf(before) >= 0) w = w.slice(0, -2); }
      else w = w.slice(0, -s2[0].length) + s2[1];
    }
    // Step 3
    var s3 = longest(w, STEP3, true);
    if (s3 && w.length - s3[0].length >= p1) {
      if (s3[0] !== "ative" || w.length - 5 >= p2) w = w.slice(0, -s3[0].length) + s3[1];
    }
    // Step 4
    var s4 = longest(w, STEP4, false);
    if (s4 && w.length - s4.length >= p2) {
      if (s4 !== "ion" || /[st]$/.test(w.slice(0, -3))) w = w.slice(0, -s4.length);
    }
    // Step 5
    if (/e$/.test(w)) {
      var at = w.length - 1;
      if (at >= p2 || (at >= p1 && !shortSyllable(w, at))) w = w.slice(0, -1);
    } else if (/ll$/.test(w) && w.length - 1 >= p2) {
      w = w.slice(0, -1);
    }
    return w.replace(/Y/g, "y");
  }

  // ---- Index data ----

  var DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  var WEIGHT_BITS = 3;
  var K1 = 1.2;

  function unvlq(text, start) {
    var out = [], n = 0, shift = 0;
    for (var i = start || 0; i < text.length; i++) {
      var d = DIGITS.indexOf(text[i]);
      n += (d & 31) * Math.pow(2, shift);
      if (d & 32) shift += 5;
      else { out.push(n); n = 0; shift = 0; }
    }
    return out;
  }

  // Postings as parallel arrays of document numbers and BM25 term weights.
  function decodePostings(text, docs) {
    var negate = text[0] === "!";
    var nums = unvlq(text, negate ? 1 : 0);
    var ids = [], weights = [], next = 0;
    for (var i = 0; i < nums.length; i++) {
      var id = next + Math.floor(nums[i] / (1 << WEIGHT_BITS));
      ids.push(id);
      weights.push((((nums[i] % (1 << WEIGHT_BITS)) + 0.5) / (1 << WEIGHT_BITS)) * (K1 + 1));
      next = id + 1;
    }
    if (!negate) return { ids: ids, weights: weights };
    var all = [], j = 0;
    for (var d = 0; d < docs; d++) {
      if (j < ids.length && ids[j] === d) j++;
      else all.push(d);
    }
    return { ids: all, weights: [] };
  }

  var Z85 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";
  var Z85_VALUE = {};
  for (var z = 0; z < Z85.length; z++) Z85_VALUE[Z85.charCodeAt(z)] = z;

  // Z85 text back to bytes: five characters for four bytes; a short last group of n + 1
  // characters is padded with the highest digit and gives n bytes (encode.rs, z85).
  function unz85(text) {
    var out = new Uint8Array(Math.floor(text.length / 5) * 4 + Math.max(0, (text.length % 5) - 1));
    var o = 0;
    for (var i = 0; i < text.length; i += 5) {
      var n = 0;
      for (var j = i; j < i + 5; j++) n = n * 85 + (j < text.length ? Z85_VALUE[text.charCodeAt(j)] : 84);
      var count = Math.min(4, text.length - i - 1);
      for (var k = 0; k < count; k++) out[o++] = (n / Math.pow(256, 3 - k)) & 255;
    }
    return out;
  }

  var canInflate = typeof DecompressionStream === "function" && typeof Blob === "function" && typeof Response === "function";

  // Inflates a raw deflate stream that is `prefix` (the shared dictionary's compressed form,
  // or nothing) followed by `bytes`; resolves with what follows the dictionary's `skip` bytes.
  function inflate(prefix, bytes, skip) {
    var stream = new Blob([prefix, bytes]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
    return new Response(stream).arrayBuffer().then(function (buffer) { return new Uint8Array(buffer, skip); });
  }

  var state = { manifest: null, terms: {}, docs: {}, waiting: {}, dates: null, prefix: null };

  // The shared dictionary's compressed form, decoded once.
  function dictionaryPrefix() {
    if (!state.prefix) state.prefix = unz85(state.manifest.dictionary.prefix);
    return state.prefix;
  }

  function arrived(key, data) {
    var list = state.waiting[key] || [];
    delete state.waiting[key];
    list.forEach(function (f) { f(data); });
  }

  // Loads one index script once; resolves with its data, or null if it cannot be loaded.
  function load(kind, i) {
    var store = kind === "t" ? state.terms : state.docs;
    if (store[i]) return Promise.resolve(store[i]);
    var key = kind + i;
    return new Promise(function (resolve) {
      var first = !state.waiting[key];
      (state.waiting[key] = state.waiting[key] || []).push(resolve);
      if (!first) return;
      var s = document.createElement("script");
      s.src = kind + "/" + i + ".js";
      s.onerror = function () { arrived(key, null); };
      document.head.appendChild(s);
    });
  }

  function chunkOf(term) {
    var firsts = state.manifest.chunks, lo = 0, hi = firsts.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (firsts[mid] <= term) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  function dayNumber(iso) {
    var t = Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10));
    return Math.round(t / 86400000);
  }

  // The first document number of each run of one date, and the date (a day number) of that run.
  function dateRuns() {
    if (state.dates) return state.dates;
    var m = state.manifest, starts = [0], days = [];
    if (m.dates.first) {
      days.push(dayNumber(m.dates.first));
      var nums = unvlq(m.dates.runs);
      for (var i = 0; i + 1 < nums.length; i += 2) {
        days.push(days[days.length - 1] + nums[i]);
        starts.push(starts[starts.length - 1] + nums[i + 1]);
      }
    }
    state.dates = { starts: starts, days: days };
    return state.dates;
  }

  // A live index (waymark serve) numbers documents added or re-dated after the build from
  // manifest.late.first on, with their own dates, and lists the numbers it no longer uses in
  // manifest.gone; a plain build has neither.
  function builtDocs() {
    var m = state.manifest;
    return m.late ? m.late.first : m.docs;
  }

  function dayOfDoc(id) {
    var late = state.manifest.late;
    if (late && id >= late.first) return dayNumber(late.dates[id - late.first]);
    var r = dateRuns(), lo = 0, hi = r.starts.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (r.starts[mid] <= id) lo = mid; else hi = mid - 1;
    }
    return r.days[lo];
  }

  // The documents whose dates lie in the range (either end may be empty): those numbered in
  // date order form the run [lo, hi); has(d) answers for any document.
  function dateRange(from, to) {
    var r = dateRuns(), n = builtDocs(), lo = 0, hi = n;
    for (var i = 0; i < r.days.length; i++) {
      var end = i + 1 < r.starts.length ? r.starts[i + 1] : n;
      if (from && r.days[i] < dayNumber(from)) lo = end;
      if (to && r.days[i] > dayNumber(to) && hi === n) hi = r.starts[i];
    }
    hi = Math.max(lo, hi);
    var gone = new Set(state.manifest.gone || []);
    var first = from ? dayNumber(from) : -Infinity, last = to ? dayNumber(to) : Infinity;
    return {
      lo: lo,
      hi: hi,
      has: function (d) {
        if (d < n) return d >= lo && d < hi && !gone.has(d);
        var day = dayOfDoc(d);
        return day >= first && day <= last && !gone.has(d);
      }
    };
  }

  // ---- Queries ----

  // Words (with stems) and "quoted phrases"; the last word is also a prefix while typing.
  function parse(q) {
    var parts = [], phrases = [], re = /"([^"]*)"?|[^\s"]+/g, m;
    while ((m = re.exec(q)) !== null) {
      if (m[0][0] === '"') {
        var ws = words(m[1]).map(function (w) { return stem(w.word); });
        if (ws.length > 1) phrases.push(ws);
        ws.forEach(function (s) { parts.push({ stem: s, prefix: null }); });
      } else {
        words(m[0]).forEach(function (w) { parts.push({ stem: stem(w.word), prefix: null, word: w.word }); });
      }
    }
    var last = parts[parts.length - 1];
    if (last && last.word && !/[\s"]$/.test(q)) last.prefix = last.word;
    return { parts: parts, phrases: phrases };
  }

  var MAX_PREFIX_CHUNKS = 3, MAX_PREFIX_TERMS = 40;

  // Resolves the postings of each query word: every term it may match, with its postings.
  function lookup(parts) {
    var needed = {};
    parts.forEach(function (p) {
      needed[chunkOf(p.stem)] = true;
      if (p.prefix) {
        var a = chunkOf(p.prefix), b = chunkOf(p.prefix + "\uffff");
        if (b - a < MAX_PREFIX_CHUNKS) for (var c = a; c <= b; c++) needed[c] = true;
        else p.prefix = null;
      }
    });
    return Promise.all(Object.keys(needed).map(function (c) { return load("t", +c); })).then(function () {
      return parts.map(function (p) {
        var found = [];
        var exact = termPostings(p.stem);
        if (exact) found.push({ term: p.stem, text: exact });
        if (p.prefix) {
          var a = chunkOf(p.prefix), b = chunkOf(p.prefix + "\uffff");
          for (var c = a; c <= b && found.length < MAX_PREFIX_TERMS; c++) {
            var chunk = state.terms[c];
            if (!chunk) continue;
            chunk.keys.forEach(function (t) {
              if (t !== p.stem && t.indexOf(p.prefix) === 0 && found.length < MAX_PREFIX_TERMS) {
                found.push({ term: t, text: chunk.map.get(t), partial: true });
              }
            });
          }
        }
        return found;
      });
    });
  }

  function termPostings(term) {
    var chunk = state.terms[chunkOf(term)];
    return chunk ? chunk.map.get(term) : undefined;
  }

  function filterSet(key) {
    return load("t", chunkOf(key)).then(function () {
      var text = termPostings(key);
      var set = new Set();
      if (text) decodePostings(text, state.manifest.docs).ids.forEach(function (d) { set.add(d); });
      return set;
    });
  }

  // Percent-encoding as paths::encode does it: every byte but letters, digits and -._~
  function encode(s) {
    var out = "";
    new TextEncoder().encode(s).forEach(function (b) {
      var c = String.fromCharCode(b);
      out += /[A-Za-z0-9\-._~]/.test(c) && b < 128 ? c : "%" + (b < 16 ? "0" : "") + b.toString(16).toUpperCase();
    });
    return out;
  }

  var TODAY;
  // A word matched only as the start of a longer one ranks below the word itself.
  var PARTIAL = 0.5;

  // Ranks documents: BM25 summed over the query's words (each word's best-matching term),
  // every word required, times a small boost for recent records.
  function rank(query, filters) {
    var m = state.manifest, n = m.docs;
    var range = dateRange(filters.from, filters.to);
    var keys = [];
    if (filters.person) keys.push("#p:" + encode(filters.person));
    if (filters.type) keys.push("#t:" + encode(filters.type));
    if (filters.kind) keys.push("#k:" + encode(filters.kind));
    if (filters.author) keys.push("#a:" + encode(filters.author));
    return Promise.all([lookup(query.parts), Promise.all(keys.map(filterSet))]).then(function (got) {
      var began = performance.now();
      var perWord = got[0], sets = got[1];
      var ok = function (d) {
        if (!range.has(d)) return false;
        for (var i = 0; i < sets.length; i++) if (!sets[i].has(d)) return false;
        return true;
      };
      var scores = null;
      perWord.forEach(function (terms) {
        var best = new Map();
        terms.forEach(function (t) {
          var p = decodePostings(t.text, n);
          var idf = Math.log(1 + (n - p.ids.length + 0.5) / (p.ids.length + 0.5));
          for (var i = 0; i < p.ids.length; i++) {
            var d = p.ids[i];
            if (scores && !scores.has(d)) continue;
            var s = idf * p.weights[i] * (t.partial ? PARTIAL : 1);
            if (!(best.get(d) >= s)) best.set(d, s);
          }
        });
        if (scores) best.forEach(function (s, d) { best.set(d, s + scores.get(d)); });
        scores = best;
      });
      var out = [];
      if (scores) {
        scores.forEach(function (s, d) { if (ok(d)) out.push({ id: d, score: s * recency(d) }); });
      } else if (keys.length || filters.from || filters.to) {
        for (var d = range.lo; d < range.hi; d++) if (ok(d)) out.push({ id: d, score: recency(d) });
        for (d = builtDocs(); d < n; d++) if (ok(d)) out.push({ id: d, score: recency(d) });
      }
      out.sort(function (a, b) { return b.score - a.score || b.id - a.id; });
      out.ms = Math.round(performance.now() - began);
      return out;
    });
  }

  // Up to 15% more for a record from today, fading over about a year.
  function recency(d) {
    var age = Math.max(0, TODAY - dayOfDoc(d));
    return 1 + 0.15 * Math.exp(-age / 365);
  }

  function docOf(id) {
    var size = state.manifest.docChunk, c = Math.floor(id / size);
    return load("d", c).then(function (rows) { return rows ? rows[id - c * size] : null; });
  }

  // Whether the stems of the text hold each phrase as consecutive words.
  function hasPhrases(text, phrases) {
    if (!phrases.length) return true;
    var stems = words(text).map(function (w) { return stem(w.word); });
    return phrases.every(function (ph) {
      outer: for (var i = 0; i + ph.length <= stems.length; i++) {
        for (var j = 0; j < ph.length; j++) if (stems[i + j] !== ph[j]) continue outer;
        return true;
      }
      return false;
    });
  }

  // ---- The page ----

  var PAGE_SIZE = 10;
  var el = {};
  var run = 0;

  function label(word) {
    var w = String(word).replace(/-/g, " ");
    return w.charAt(0).toUpperCase() + w.slice(1);
  }

  function displayDate(iso) {
    if (!iso) return "";
    var months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    return +iso.slice(8, 10) + " " + months[+iso.slice(5, 7) - 1] + " " + iso.slice(0, 4);
  }

  var TITLES = {
    note: "Note", plan: "Pathway plan", passport: "Health passport", profile: "Profile", outcome: "Outcome reading",
    feedback: "Feedback", supervision: "Staff supervision"
  };
  // Entries of the people list that stand for no young person (staff supervision): their ids
  // start with "_", which no person id does. Listed last, without an id.
  function pseudo(p) { return p[0].charAt(0) === "_"; }

  function node(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.appendChild(document.createTextNode(text));
    return e;
  }

  // A window of the text around the first matched word, matched words in <mark>, built as text nodes.
  function snippet(text, query) {
    var stems = {}, prefixes = [];
    query.parts.forEach(function (p) { stems[p.stem] = true; if (p.prefix) prefixes.push(p.prefix); });
    var ws = words(text);
    var hit = function (w) {
      if (stems[stem(w.word)]) return true;
      return prefixes.some(function (p) { return w.word.indexOf(p) === 0; });
    };
    // Start near the run of words that holds the most different query words.
    var first = 0, best = 0;
    var hits = [];
    for (var i = 0; i < ws.length; i++) if (hit(ws[i])) hits.push(i);
    hits.forEach(function (h) {
      var seen = {};
      hits.forEach(function (k) { if (k >= h && k < h + 20) seen[stem(ws[k].word)] = true; });
      var n = Object.keys(seen).length;
      if (n > best) { best = n; first = h; }
    });
    var from = ws.length ? ws[Math.max(0, first - 8)].at : 0;
    var lastWord = ws[Math.min(ws.length - 1, first + 28)];
    var to = lastWord ? lastWord.end : text.length;
    var space = text.indexOf(" ", to);
    to = space < 0 ? text.length : space;
    var p = node("p", "snippet");
    if (from > 0) p.appendChild(document.createTextNode("… "));
    var at = from;
    ws.forEach(function (w) {
      if (w.at < from || w.end > to || !hit(w)) return;
      p.appendChild(document.createTextNode(text.slice(at, w.at)));
      p.appendChild(node("mark", null, text.slice(w.at, w.end)));
      at = w.end;
    });
    p.appendChild(document.createTextNode(text.slice(at, to)));
    if (to < text.length) p.appendChild(document.createTextNode(" …"));
    return p;
  }

  function resultItem(row, query) {
    var m = state.manifest;
    var type = m.types[row[0]], person = m.people[row[1]] || ["", ""];
    var title = type === "note" && row[2] ? label(row[2]) + " note" : TITLES[type] || type;
    var li = node("li", "result result-" + type);
    var h = node("h2", "result-title");
    var a = node("a", null, title + (row[4] ? ", " + displayDate(row[4]) : ""));
    var link = row[5];
    if (link.slice(0, 3) !== "../") link = "../people/" + person[2] + "/" + (link[0] === "#" ? "index.html" + link : link);
    a.setAttribute("href", link);
    h.appendChild(a);
    li.appendChild(h);
    var meta = person[1] + (row[3] >= 0 && m.staff[row[3]] ? " · by " + m.staff[row[3]][1] : "");
    li.appendChild(node("p", "result-meta", meta));
    li.appendChild(snippet(row[6], query));
    return li;
  }

  function readForm() {
    var f = {};
    ["q", "person", "type", "kind", "author", "from", "to"].forEach(function (k) { f[k] = el.form.elements[k].value; });
    return f;
  }

  function writeAddress(f) {
    var params = new URLSearchParams();
    Object.keys(f).forEach(function (k) { if (f[k]) params.set(k, f[k]); });
    var s = params.toString();
    try {
      history.replaceState(null, "", s ? "?" + s : location.pathname);
    } catch (e) {
      // Some browsers refuse replaceState on file://; the search still works.
    }
  }

  function search() {
    var mine = ++run;
    var f = readForm();
    writeAddress(f);
    var query = parse(f.q);
    el.results.textContent = "";
    el.more.hidden = true;
    if (!query.parts.length && !f.person && !f.type && !f.kind && !f.author && !f.from && !f.to) {
      el.status.textContent = "Type a word to search every note, plan, passport, profile and outcome reading.";
      return;
    }
    if (!canInflate) {
      el.status.textContent = "This browser is too old to search the records offline: please use a current Firefox, Chrome, Edge or Safari.";
      return;
    }
    el.status.textContent = "Searching…";
    rank(query, f).then(function (ranked) {
      if (mine !== run) return;
      // How long ranking took once the index files arrived, for benchmarks.
      el.status.setAttribute("data-rank-ms", String(ranked.ms));
      var shown = 0, next = 0, checkedAll = true;
      var more = function () {
        // Phrases are checked against each candidate's text, so take candidates until a page is full.
        var page = [];
        var step = function () {
          if (mine !== run) return Promise.resolve();
          if (page.length >= PAGE_SIZE || next >= ranked.length) return Promise.resolve();
          var batch = ranked.slice(next, next + PAGE_SIZE);
          next += batch.length;
          return Promise.all(batch.map(function (r) { return docOf(r.id); })).then(function (rows) {
            rows.forEach(function (row) {
              if (row && hasPhrases(row[6], query.phrases) && page.length < PAGE_SIZE) page.push(row);
            });
            if (query.phrases.length && next - shown > 400 && page.length < PAGE_SIZE) {
              checkedAll = next >= ranked.length;
              return;
            }
            return step();
          });
        };
        return step().then(function () {
          if (mine !== run) return;
          page.forEach(function (row) { el.results.appendChild(resultItem(row, query)); });
          shown += page.length;
          var total = query.phrases.length ? (next >= ranked.length && checkedAll ? shown : null) : ranked.length;
          el.status.textContent = total === null
            ? shown + (shown === 1 ? " result" : " results") + " so far with the exact phrase"
            : total === 0 ? "No records match." : (total === 1 ? "1 record matches." : total + " records match.");
          el.more.hidden = next >= ranked.length;
        });
      };
      el.more.onclick = function () { more(); };
      return more();
    });
  }

  function option(select, value, text) {
    var o = node("option", null, text);
    o.value = value;
    select.appendChild(o);
  }

  function start() {
    var m = state.manifest;
    el.form = document.getElementById("search-form");
    el.results = document.getElementById("search-results");
    el.status = document.getElementById("search-status");
    el.more = document.getElementById("search-more");
    if (!el.form || !el.results) return;
    TODAY = dayNumber(m.today);
    var sorted = m.people.slice().sort(function (a, b) { return pseudo(a) - pseudo(b) || a[1].localeCompare(b[1]); });
    sorted.forEach(function (p) { option(el.form.elements.person, p[0], pseudo(p) ? p[1] : p[1] + " (" + p[0] + ")"); });
    m.types.forEach(function (t) { option(el.form.elements.type, t, TITLES[t] || label(t)); });
    m.kinds.forEach(function (k) { option(el.form.elements.kind, k, label(k)); });
    m.staff.forEach(function (s) { option(el.form.elements.author, s[0], s[1]); });
    var params = new URLSearchParams(location.search);
    ["q", "person", "type", "kind", "author", "from", "to"].forEach(function (k) {
      if (params.get(k)) el.form.elements[k].value = params.get(k);
    });
    var timer = null;
    var soon = function () { clearTimeout(timer); timer = setTimeout(search, 120); };
    el.form.addEventListener("input", soon);
    el.form.addEventListener("change", soon);
    el.form.addEventListener("submit", function (e) { e.preventDefault(); search(); });
    search();
  }

  window.waymarkSearch = {
    init: function (manifest) {
      state.manifest = manifest;
      if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
      else start();
    },
    addTerms: function (i, packed) {
      if (!canInflate) return arrived("t" + i, null);
      inflate(new Uint8Array(0), unz85(packed), 0).then(function (bytes) {
        // Each term is written as how much it shares with the one before, then the rest.
        var coded = new TextDecoder().decode(bytes);
        var map = new Map(), keys = [], parts = coded ? coded.split(" ") : [], prev = "";
        for (var k = 0; k + 1 < parts.length; k += 2) {
          var chars = Array.from(prev);
          var term = chars.slice(0, DIGITS.indexOf(parts[k][0])).join("") + parts[k].slice(1);
          map.set(term, parts[k + 1]);
          keys.push(term);
          prev = term;
        }
        state.terms[i] = { map: map, keys: keys };
        arrived("t" + i, state.terms[i]);
      }).catch(function () { arrived("t" + i, null); });
    },
    addDocs: function (i, packed) {
      if (!canInflate) return arrived("d" + i, null);
      var dictionary = state.manifest.dictionary;
      inflate(dictionaryPrefix(), unz85(packed), dictionary.length).then(function (bytes) {
        state.docs[i] = JSON.parse(new TextDecoder().decode(bytes));
        arrived("d" + i, state.docs[i]);
      }).catch(function () { arrived("d" + i, null); });
    },
    stem: stem,
    words: words
  };

  // The search box on every page: go to the search page by following a link, which works
  // from file:// in every browser whatever the form-action policy.
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.querySelector("form.site-search");
    if (!box) return;
    box.addEventListener("submit", function (e) {
      e.preventDefault();
      var q = box.elements.q.value;
      location.href = box.getAttribute("action") + (q ? "?q=" + encodeURIComponent(q) : "");
    });
  });
})();
