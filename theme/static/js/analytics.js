// Starts the analytics that publishconf.py turned on (GOOGLE_ANALYTICS, MATOMO); the ids come
// from this script element's data attributes. Loaded only when one of them is set.
(function () {
  "use strict";
  var me = document.currentScript;
  if (!me) { return; }
  function load(src) {
    var script = document.createElement("script");
    script.async = true;
    script.src = src;
    document.head.appendChild(script);
  }
  var ga = me.getAttribute("data-google-analytics");
  if (ga) {
    window.dataLayer = window.dataLayer || [];
    window.gtag = function () { window.dataLayer.push(arguments); };
    window.gtag("js", new Date());
    window.gtag("config", ga);
    load("https://www.googletagmanager.com/gtag/js?id=" + encodeURIComponent(ga));
  }
  var matomo = me.getAttribute("data-matomo-url");
  var site = me.getAttribute("data-matomo-site");
  if (matomo && site) {
    var queue = window._paq = window._paq || [];
    queue.push(["trackPageView"], ["enableLinkTracking"],
               ["setTrackerUrl", matomo + "/matomo.php"], ["setSiteId", site]);
    load(matomo + "/matomo.js");
  }
})();
