// Waymark's encrypted sites (`waymark build --encrypt`; src/seal.rs makes them).
// Every page is a shell holding its own ciphertext; every other file is a script holding
// its ciphertext and handing it to window.waymarkSeal, since pages opened from file://
// cannot fetch(). Only the browser's own WebCrypto is used: PBKDF2-HMAC-SHA256 makes the
// AES-256-GCM key from the passphrase; each file is opened with its site path as the
// associated data, so a file altered or moved is refused.
//
// The key, never the passphrase, is kept in sessionStorage for this tab, so the passphrase
// is asked for once per tab rather than once per page (PBKDF2 takes about half a second by
// design). The key opens this build only: each build has a new salt, so a new key.
//
// Firefox keeps sessionStorage apart for each folder of file:// pages, so a page in another
// folder would ask again. Following a link or a search form of this site in this tab hands
// the key to the next page in window.name, which the next page empties before anything else
// (and which Firefox empties itself on a navigation to another site).
(function () {
  "use strict";

  var html = document.documentElement;
  var root = html.getAttribute("data-root") || "";
  var rootURL = new URL(root || "./", location.href).href;
  var box = document.getElementById("waymark-sealed");
  var salt = box ? box.getAttribute("data-salt") : "";
  var iterations = box ? +box.getAttribute("data-iterations") : 0;
  var check = box ? box.getAttribute("data-check") : "";
  var STORE = "waymark-key:" + salt;
  var HANDOFF = "waymark-key ";
  var handed = takeHandOff();
  // The key of this build as base64, once known, to hand to the next page.
  var keyText = null;
  var haveKey;
  var keyReady = new Promise(function (resolve) { haveKey = resolve; });
  var waiting = {};

  function fromBase64(text) {
    var bin = atob(text.trim());
    var out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }

  function toBase64(bytes) {
    var bin = "";
    for (var i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
    return btoa(bin);
  }

  // The site path of a URL inside the site (what the file was sealed for), else null.
  function sitePath(url) {
    var u = String(url).split("#")[0].split("?")[0];
    if (u.indexOf(rootURL) !== 0) return null;
    try { return decodeURIComponent(u.slice(rootURL.length)); } catch (e) { return null; }
  }

  function decrypt(key, path, sealed) {
    var bytes = fromBase64(sealed);
    return crypto.subtle.decrypt(
      { name: "AES-GCM", iv: bytes.subarray(0, 12), additionalData: new TextEncoder().encode(path) },
      key,
      bytes.subarray(12)
    ).then(function (plain) { return new Uint8Array(plain); });
  }

  function importKey(raw) {
    return crypto.subtle.importKey("raw", raw, { name: "AES-GCM" }, false, ["decrypt"]);
  }

  // The passphrase is taken in Unicode NFC, as the build takes it (src/seal.rs), so an accent
  // typed as one character or as a letter and a combining mark gives the same key.
  function derive(passphrase) {
    var normal = passphrase.normalize ? passphrase.normalize("NFC") : passphrase;
    return crypto.subtle.importKey("raw", new TextEncoder().encode(normal), "PBKDF2", false, ["deriveBits"])
      .then(function (base) {
        return crypto.subtle.deriveBits(
          { name: "PBKDF2", hash: "SHA-256", salt: fromBase64(salt), iterations: iterations }, base, 256);
      })
      .then(function (bits) { return new Uint8Array(bits); });
  }

  // Whether this key is the site's: it opens the value every page carries.
  function opensSite(key) {
    return decrypt(key, "waymark:passphrase-check", check).then(function () { return true; }, function () { return false; });
  }

  function say(text, isError) {
    var status = document.getElementById("waymark-unlock-status");
    if (!status) return;
    status.textContent = text;
    status.className = isError ? "unlock-error" : "";
  }

  function warn(text) {
    var p = document.createElement("p");
    p.className = "unlock-error";
    p.setAttribute("role", "alert");
    p.textContent = text;
    document.body.insertBefore(p, document.body.firstChild);
  }

  // ---- The key handed from page to page (see the top) ----

  // The key the last page handed over in window.name, if it is for this build; window.name
  // is emptied in any case, so no later page can read it.
  function takeHandOff() {
    var name = "";
    try { name = String(window.name || ""); } catch (e) { return null; }
    if (name.indexOf(HANDOFF) !== 0) return null;
    window.name = "";
    var parts = name.slice(HANDOFF.length).split(" ");
    return parts.length === 2 && parts[0] === salt ? parts[1] : null;
  }

  // Hands the key to the page at `url` when it is another page of this site opened in this
  // tab; taken back after a while if no page took it (a navigation that did not happen).
  function handOff(url) {
    var path = sitePath(url);
    if (!keyText || path === null || path === sitePath(location.href) || !/\.html$/.test(path)) return;
    window.name = HANDOFF + salt + " " + keyText;
    setTimeout(function () { if (window.name.indexOf(HANDOFF) === 0) window.name = ""; }, 10000);
  }

  function sameTab(e, target) {
    return !e.defaultPrevented && !e.ctrlKey && !e.metaKey && !e.shiftKey && !e.altKey && !(e.button > 0) &&
      (!target || target === "_self");
  }

  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form || form.tagName !== "FORM" || (form.method || "get").toLowerCase() !== "get") return;
    if (sameTab(e, form.getAttribute("target"))) handOff(form.action);
  });

  // ---- Files other than pages: scripts holding ciphertext ----

  function settle(path, value) {
    var list = waiting[path] || [];
    delete waiting[path];
    list.forEach(function (f) { f(value); });
  }

  // Loads the sealed file at a site path; resolves with { name, bytes }, or null if refused.
  function loadFile(path) {
    return new Promise(function (resolve) {
      var first = !waiting[path];
      (waiting[path] = waiting[path] || []).push(resolve);
      if (!first) return;
      var s = document.createElement("script");
      s.src = rootURL + path;
      s.onerror = function () { settle(path, null); };
      document.head.appendChild(s);
    });
  }

  var TYPES = { css: "text/css", csv: "text/csv", txt: "text/plain", pdf: "application/pdf", png: "image/png",
    jpg: "image/jpeg", jpeg: "image/jpeg", gif: "image/gif", webp: "image/webp" };

  function blobURL(file) {
    var ext = file.name.split(".").pop().toLowerCase();
    return URL.createObjectURL(new Blob([file.bytes], { type: TYPES[ext] || "application/octet-stream" }));
  }

  function isSealedFile(path) {
    return path && /\.js$/.test(path) && path.indexOf("static/") !== 0;
  }

  // ---- Showing a page ----

  function runScripts(list, done) {
    var left = list.length;
    if (!left) return done();
    list.forEach(function (old) {
      var s = document.createElement("script");
      s.src = old.getAttribute("src");
      s.async = false;
      s.onload = s.onerror = function () { if (--left === 0) done(); };
      document.head.appendChild(s);
    });
  }

  function addStylesheet(href) {
    var path = sitePath(new URL(href, location.href).href);
    var link = document.createElement("link");
    link.rel = "stylesheet";
    if (!isSealedFile(path)) {
      link.href = href;
      document.head.appendChild(link);
      return;
    }
    loadFile(path).then(function (file) {
      if (!file) return;
      link.href = blobURL(file);
      document.head.appendChild(link);
    });
  }

  function show(text) {
    var doc = new DOMParser().parseFromString(text, "text/html");
    document.title = doc.title;
    var scripts = [];
    Array.prototype.forEach.call(doc.head.children, function (el) {
      if (el.tagName === "LINK" && el.rel === "stylesheet") addStylesheet(el.getAttribute("href"));
      else if (el.tagName === "SCRIPT" && el.getAttribute("src")) scripts.push(el);
    });
    if (doc.documentElement.lang) html.lang = doc.documentElement.lang;
    document.body.replaceWith(document.adoptNode(doc.body));
    Array.prototype.forEach.call(document.body.querySelectorAll("script"), function (el) {
      if (el.getAttribute("src")) scripts.push(el);
      el.remove();
    });
    Array.prototype.forEach.call(document.querySelectorAll("img[src]"), function (img) {
      var path = sitePath(img.src);
      if (!isSealedFile(path)) return;
      img.removeAttribute("src");
      loadFile(path).then(function (file) { if (file) img.src = blobURL(file); });
    });
    // The page's own scripts wait for DOMContentLoaded, which fired for the shell.
    runScripts(scripts, function () {
      document.dispatchEvent(new Event("DOMContentLoaded", { bubbles: true }));
      if (location.hash) {
        var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
        if (target) target.scrollIntoView();
      }
    });
  }

  // Links to attachments and the board's CSV: opened here and handed over as a download.
  document.addEventListener("click", function (e) {
    var a = e.target.closest ? e.target.closest("a[href]") : null;
    if (!a) return;
    var path = sitePath(a.href);
    if (!isSealedFile(path)) {
      if (sameTab(e, a.getAttribute("target")) && !a.hasAttribute("download")) handOff(a.href);
      return;
    }
    e.preventDefault();
    loadFile(path).then(function (file) {
      if (!file) return warn("That file has been changed or moved since the site was built, so it is not opened.");
      var link = document.createElement("a");
      link.href = blobURL(file);
      link.download = file.name;
      document.body.appendChild(link);
      link.click();
      link.remove();
    });
  });

  function openPage(key, raw) {
    keyText = raw;
    haveKey(key);
    var here = sitePath(location.href);
    decrypt(key, here, box.textContent).then(function (bytes) {
      show(new TextDecoder().decode(bytes));
    }, function () {
      say("This page has been changed or moved since the site was built, so it is not shown. " +
        "Build the site again, or ask whoever looks after it for a fresh copy.", true);
    });
  }

  function ask() {
    var form = document.getElementById("waymark-unlock");
    var input = document.getElementById("waymark-passphrase");
    say("These records are encrypted. Type the passphrase to open them.", false);
    form.hidden = false;
    input.focus();
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      say("Opening…", false);
      var raw;
      derive(input.value).then(function (bits) {
        raw = bits;
        return importKey(raw);
      }).then(function (key) {
        return opensSite(key).then(function (ok) {
          if (!ok) {
            say("That passphrase does not open these records. Check it (capital letters count) and try again.", true);
            input.select();
            return;
          }
          try { sessionStorage.setItem(STORE, toBase64(raw)); } catch (err) { /* storage off: ask on each page */ }
          form.hidden = true;
          openPage(key, toBase64(raw));
        });
      }).catch(function () {
        say("This browser cannot open encrypted pages here (it has no Web Crypto). Try a current Chrome, Edge or Firefox.", true);
      });
    });
  }

  window.waymarkSeal = {
    // Called by each sealed file other than a page, with its ciphertext.
    file: function (sealed) {
      var script = document.currentScript;
      var path = script ? sitePath(script.src) : null;
      if (!path) return;
      keyReady.then(function (key) { return decrypt(key, path, sealed); }).then(function (bytes) {
        var nl = bytes.indexOf(10);
        var head = new TextDecoder().decode(bytes.subarray(0, nl));
        var body = bytes.subarray(nl + 1);
        if (head === "script") {
          var s = document.createElement("script");
          s.src = URL.createObjectURL(new Blob([body], { type: "text/javascript" }));
          document.head.appendChild(s);
          settle(path, { name: path, bytes: body });
        } else {
          settle(path, { name: head.replace(/^file /, ""), bytes: body });
        }
      }, function () {
        settle(path, null);
        warn("Part of this page's data has been changed or moved since the site was built, so it is not used (" + path + ").");
      });
    }
  };

  if (!box) return;
  if (!window.crypto || !crypto.subtle) {
    say("This browser cannot open encrypted pages here (it has no Web Crypto). Try a current Chrome, Edge or Firefox.", true);
    return;
  }
  var stored = null;
  try { stored = handed || sessionStorage.getItem(STORE); } catch (e) { stored = handed; }
  if (!stored) return ask();
  Promise.resolve(stored).then(function (text) { return importKey(fromBase64(text)); }).then(function (key) {
    return opensSite(key).then(function (ok) {
      if (ok) {
        try { sessionStorage.setItem(STORE, stored); } catch (e) { /* storage off: handed on by links only */ }
        return openPage(key, stored);
      }
      try { sessionStorage.removeItem(STORE); } catch (e) { /* nothing kept */ }
      ask();
    });
  }).catch(ask);
})();
