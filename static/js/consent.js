/* Improves the consent forms; the server still decides and records everything.
   - The banner's Settings button opens the choices in place (without JavaScript it leads
     to the cookie page).
   - Before a choice that turns a vendor off is sent, the vendor's scripts are told to stop
     and what they stored in this browser is removed; the server's answer reloads the page. */
(function () {
  "use strict";
  var d = document;
  var toggle = d.querySelector("[data-consent-toggle]");
  var panel = toggle && d.getElementById(toggle.getAttribute("aria-controls"));

  function show(open) {
    panel.hidden = !open;
    toggle.setAttribute("aria-expanded", String(open));
  }

  if (panel) {
    toggle.addEventListener("click", function (event) {
      event.preventDefault();
      show(panel.hidden);
      if (!panel.hidden) panel.querySelector("[type=checkbox]").focus();
    });
    panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        show(false);
        toggle.focus();
      }
    });
  }

  function expire(pattern) {
    var host = location.hostname;
    var parent = host.split(".").slice(-2).join(".");
    d.cookie.split("; ").forEach(function (pair) {
      var name = pair.split("=")[0];
      if (!pattern.test(name)) return;
      ["", "; domain=" + host, "; domain=" + parent].forEach(function (domain) {
        d.cookie = name + "=; max-age=0; path=/" + domain;
      });
    });
  }

  function wipeStorage(pattern) {
    [w("localStorage"), w("sessionStorage")].forEach(function (store) {
      if (!store) return;
      for (var i = store.length - 1; i >= 0; i--) {
        if (pattern.test(store.key(i))) store.removeItem(store.key(i));
      }
    });
  }

  function w(name) {
    try { return window[name]; } catch (e) { return null; }  // storage may be blocked
  }

  d.querySelectorAll("form[data-consent]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var action = event.submitter ? event.submitter.value : "save";
      if (action === "settings" || action === "all") return;
      var ga = form.dataset.ga, ym = form.dataset.ym;
      function refused(key) {
        return action === "none" || !(form.elements[key] && form.elements[key].checked);
      }
      if (ga && refused("ga")) {
        window["ga-disable-" + ga] = true;
        expire(/^(_ga(_.*)?|_gid|_gat.*)$/);
      }
      if (ym && refused("ym")) {
        window["disableYaCounter" + ym] = true;
        expire(/^_ym/);
        wipeStorage(/^_ym/);
      }
    });
  });
})();
