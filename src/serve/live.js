// Waymark live reload. Added to pages only by `waymark serve`, never to a built site.
// Reloads this page when the server says it changed, keeping the scroll position, and shows
// problems with records being edited in an overlay (text only: never parsed as HTML).
(function () {
  "use strict";
  var script = document.querySelector("script[data-waymark-live]");
  var generation = script ? script.getAttribute("data-gen") || "" : "";
  var here = sitePath(location.pathname);
  var scrollKey = "waymark-scroll:" + here;

  function sitePath(pathname) {
    var p = pathname;
    try {
      p = decodeURIComponent(p);
    } catch (e) {
      // Leave an undecodable path as it is; it will simply never match.
    }
    p = p.replace(/^\/+/, "");
    if (p === "" || p.charAt(p.length - 1) === "/") {
      p += "index.html";
    }
    return p;
  }

  function restoreScroll() {
    var saved = null;
    try {
      saved = sessionStorage.getItem(scrollKey);
      sessionStorage.removeItem(scrollKey);
    } catch (e) {
      return;
    }
    if (saved === null) {
      return;
    }
    var y = parseFloat(saved);
    if (isNaN(y)) {
      return;
    }
    var go = function () {
      window.scrollTo(0, y);
    };
    if (document.readyState === "complete") {
      go();
    } else {
      window.addEventListener("load", go);
    }
  }

  function reload() {
    try {
      sessionStorage.setItem(scrollKey, String(window.scrollY));
    } catch (e) {
      // Private windows may refuse storage; the page still reloads.
    }
    location.reload();
  }

  var overlay = null;
  var dismissed = "";

  function showProblems(problems) {
    var key = JSON.stringify(problems);
    if (overlay) {
      overlay.remove();
      overlay = null;
    }
    if (!problems.length || key === dismissed) {
      return;
    }
    overlay = document.createElement("div");
    overlay.setAttribute("role", "alert");
    overlay.id = "waymark-problems";
    Object.assign(overlay.style, {
      position: "fixed",
      left: "1rem",
      right: "1rem",
      bottom: "1rem",
      maxHeight: "50vh",
      overflow: "auto",
      zIndex: "2147483647",
      background: "#fff4f4",
      color: "#3b0000",
      border: "3px solid #b00020",
      borderRadius: "6px",
      padding: "0.75rem 1rem",
      font: "15px/1.4 system-ui, sans-serif",
      boxShadow: "0 4px 16px rgba(0,0,0,0.3)",
    });
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "Dismiss";
    close.style.float = "right";
    close.addEventListener("click", function () {
      dismissed = key;
      overlay.remove();
      overlay = null;
    });
    overlay.appendChild(close);
    var title = document.createElement("p");
    title.style.fontWeight = "bold";
    title.style.margin = "0 0 0.5rem";
    title.textContent =
      "Waymark could not take in the last save, so this page shows the records as they were before it:";
    overlay.appendChild(title);
    var list = document.createElement("ul");
    list.style.margin = "0";
    problems.forEach(function (p) {
      var item = document.createElement("li");
      if (p.file) {
        var where = document.createElement("code");
        where.textContent = p.file + ":" + p.line + ":" + p.column;
        item.appendChild(where);
        item.appendChild(document.createTextNode(" "));
      }
      item.appendChild(document.createTextNode(p.message));
      if (p.help) {
        var help = document.createElement("div");
        help.style.opacity = "0.8";
        help.textContent = "How to fix it: " + p.help;
        item.appendChild(help);
      }
      list.appendChild(item);
    });
    overlay.appendChild(list);
    document.body.appendChild(overlay);
  }

  restoreScroll();
  try {
    showProblems(JSON.parse(script.getAttribute("data-problems") || "[]"));
  } catch (e) {
    // The stream sends the problems again once it connects.
  }
  if (!window.EventSource) {
    return;
  }
  var url =
    "/_waymark/events?page=" + encodeURIComponent(here) + "&since=" + encodeURIComponent(generation);
  var events = new EventSource(url);
  events.addEventListener("reload", function (e) {
    var data = JSON.parse(e.data);
    if (data.paths.indexOf(here) >= 0) {
      events.close();
      reload();
    }
  });
  events.addEventListener("problems", function (e) {
    showProblems(JSON.parse(e.data).problems);
  });
})();
