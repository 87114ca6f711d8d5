/* Wagtail's admin starts a few widgets with inline <script> calls (the image chooser, the date-time pickers of
   the publishing schedule). The platform's Content-Security-Policy refuses inline scripts, so this file (served
   from our own origin) makes those calls instead: it reads each refused script's text, accepts only the calls
   listed here with a quoted element id and a JSON object, and never evaluates any text. */
(function () {
  'use strict';
  var CALL = /^\s*(new\s+)?([A-Za-z]+)\(\s*"([^"\\]+)"\s*,\s*(\{[\s\S]*\})\s*\);?\s*$/;
  var ALLOWED = {
    ImageChooser: true, DocumentChooser: true, PageChooser: true, SnippetChooser: true,
    initDateTimeChooser: false, initDateChooser: false, initTimeChooser: false
  };
  function start() {
    var scripts = document.querySelectorAll('script:not([src]):not([type])');
    for (var i = 0; i < scripts.length; i++) {
      var match = CALL.exec(scripts[i].textContent || '');
      if (!match || !(match[2] in ALLOWED) || typeof window[match[2]] !== 'function') continue;
      if (scripts[i].dataset.cspStarted) continue;
      var config;
      try { config = JSON.parse(match[4]); } catch (e) { continue; }
      scripts[i].dataset.cspStarted = '1';
      if (ALLOWED[match[2]]) {
        new window[match[2]](match[3], config);
      } else {
        window[match[2]](match[3], config);
      }
    }
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
