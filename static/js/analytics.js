/* Loads the analytics the visitor allowed. The server includes this file only after consent
   and names only the allowed vendors in data-* attributes; the CSP allows only their hosts. */
(function () {
  "use strict";
  var config = document.currentScript.dataset;
  var w = window;

  function load(src) {
    var script = document.createElement("script");
    script.async = true;
    script.src = src;
    document.head.appendChild(script);
  }

  if (config.ga) {
    w.dataLayer = w.dataLayer || [];
    w.gtag = function () { w.dataLayer.push(arguments); };
    // Consent Mode, basic: everything denied first, then only statistics granted.
    w.gtag("consent", "default", {
      ad_storage: "denied", ad_user_data: "denied",
      ad_personalization: "denied", analytics_storage: "denied"
    });
    w.gtag("consent", "update", {analytics_storage: "granted"});
    w.gtag("set", "ads_data_redaction", true);
    w.gtag("js", new Date());
    w.gtag("config", config.ga, {
      allow_google_signals: false,
      allow_ad_personalization_signals: false
    });
    load("https://www.googletagmanager.com/gtag/js?id=" + encodeURIComponent(config.ga));
  }

  if (config.ym) {
    if (config.webvisor === "1") {
      // Session replay must never record what visitors type (names, e-mails, phones).
      document.querySelectorAll("input, textarea, select").forEach(function (field) {
        field.classList.add("ym-disable-keys");
      });
    }
    w.ym = w.ym || function () { (w.ym.a = w.ym.a || []).push(arguments); };
    w.ym.l = Date.now();
    w.ym(Number(config.ym), "init", {
      webvisor: config.webvisor === "1",
      clickmap: true,
      trackLinks: true,
      accurateTrackBounce: true
    });
    load("https://mc.yandex.ru/metrika/tag.js?id=" + encodeURIComponent(config.ym));
  }
})();
