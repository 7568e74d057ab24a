// Passkeys (WebAuthn): the browser's half of the ceremonies core/passkeys.py checks, over
// @simplewebauthn/browser (served from our static files). Every message is the server's,
// written in the page's language into data attributes of the [data-passkey] element.
(function () {
  "use strict";

  function csrfToken(box) {
    var field = box.querySelector("[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function say(box, text) {
    var status = box.querySelector("[data-passkey-status]");
    status.textContent = text || "";
    status.hidden = !text;
  }

  function post(box, url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken(box) },
      body: JSON.stringify(body || {}),
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (answer) {
        if (response.ok) return answer;
        if (answer.redirect) window.location.assign(answer.redirect);
        var error = new Error(answer.detail || box.dataset.msgFailed);
        error.fromServer = true;
        throw error;
      });
    });
  }

  // The browser's own refusals (the person cancelled, no authenticator) in our words.
  function explain(box, error) {
    if (error && error.fromServer) return error.message;
    if (error && error.name === "NotAllowedError") return box.dataset.msgCancelled;
    if (error && error.name === "SecurityError") return box.dataset.msgInsecure;
    return box.dataset.msgFailed;
  }

  function run(box, button, ceremony) {
    button.disabled = true;
    say(box, box.dataset.msgWorking);
    ceremony().then(function (answer) {
      window.location.assign(answer.redirect || window.location.href);
    }).catch(function (error) {
      say(box, explain(box, error));
      button.disabled = false;
      button.focus();
    });
  }

  function verify(box, button) {
    var passwordField = box.dataset.passwordField && document.querySelector(box.dataset.passwordField);
    if (passwordField && !passwordField.value) {
      say(box, box.dataset.msgNeedPassword);
      passwordField.focus();
      return;
    }
    run(box, button, function () {
      return post(box, box.dataset.begin).then(function (options) {
        return SimpleWebAuthnBrowser.startAuthentication({ optionsJSON: options });
      }).then(function (credential) {
        return post(box, box.dataset.complete, {
          credential: credential,
          password: passwordField ? passwordField.value : null,
          next: box.dataset.next || "",
        });
      });
    });
  }

  function register(box, button) {
    var nameField = box.querySelector("[data-passkey-name]");
    if (nameField && !nameField.value.trim()) {
      say(box, box.dataset.msgNeedName);
      nameField.focus();
      return;
    }
    var back = window.location.pathname;
    run(box, button, function () {
      return post(box, box.dataset.begin, { back: back }).then(function (options) {
        return SimpleWebAuthnBrowser.startRegistration({ optionsJSON: options });
      }).then(function (credential) {
        return post(box, box.dataset.complete, { credential: credential, name: nameField.value, back: back });
      });
    });
  }

  document.querySelectorAll("[data-passkey]").forEach(function (box) {
    var button = box.querySelector("[data-passkey-start]");
    if (typeof SimpleWebAuthnBrowser === "undefined" || !SimpleWebAuthnBrowser.browserSupportsWebAuthn()) {
      button.disabled = true;
      say(box, box.dataset.msgUnsupported);
      return;
    }
    button.addEventListener("click", function () {
      (box.dataset.passkey === "register" ? register : verify)(box, button);
    });
  });
})();
