/* The header menu (waibao): no framework. Loaded in <head> so that the collapsed phone menu never flashes open.
   Without this script the menu still works: each group is a native <details>, and the phone shows the groups
   stacked. With it: the phone menu collapses behind the "Menu" button (aria-expanded), one group is open at a
   time, Escape closes the open group and returns the focus to it, a click elsewhere closes it, and each group's
   <summary> carries aria-expanded. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function groups(nav) { return Array.prototype.slice.call(nav.querySelectorAll("details.menu-group")); }

  function sync(details) {
    var summary = details.querySelector("summary");
    if (summary) { summary.setAttribute("aria-expanded", details.open ? "true" : "false"); }
  }

  function closeAll(nav, except) {
    groups(nav).forEach(function (d) { if (d !== except && d.open) { d.open = false; } });
  }

  function setUp() {
    var nav = document.getElementById("main-nav");
    var toggle = document.querySelector(".nav-toggle");
    if (!nav) { return; }
    groups(nav).forEach(function (d) {
      sync(d);
      d.addEventListener("toggle", function () {
        sync(d);
        if (d.open) { closeAll(nav, d); }
      });
    });
    if (toggle) {
      toggle.addEventListener("click", function () {
        var open = nav.classList.toggle("open");
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
      });
    }
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") { return; }
      var open = groups(nav).filter(function (d) { return d.open; })[0];
      if (open) {
        open.open = false;
        open.querySelector("summary").focus();
      } else if (toggle && nav.classList.contains("open") && nav.contains(document.activeElement)) {
        nav.classList.remove("open");
        toggle.setAttribute("aria-expanded", "false");
        toggle.focus();
      }
    });
    document.addEventListener("click", function (event) {
      if (!nav.contains(event.target)) { closeAll(nav, null); }
    });
    nav.addEventListener("focusout", function (event) {
      /* Tabbing past the last link of a group closes it (on wide screens the panel would hide the page). */
      var next = event.relatedTarget;
      groups(nav).forEach(function (d) { if (d.open && next && !d.contains(next)) { d.open = false; } });
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", setUp); } else { setUp(); }
})();
