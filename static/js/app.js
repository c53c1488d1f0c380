// Site behaviour that needs script; the CSP forbids inline script, so it all lives here.
document.addEventListener("DOMContentLoaded", () => {
  if (window.DKFDS && typeof window.DKFDS.init === "function") {
    window.DKFDS.init();
  }
  // htmx requests carry the CSRF token from the cookie-less form field on the page.
  document.body.addEventListener("htmx:configRequest", (event) => {
    const token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) {
      event.detail.headers["X-CSRFToken"] = token.value;
    }
  });
  // Destructive actions ask first: forms carry their question in data-confirm.
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) {
        event.preventDefault();
      }
    });
  });
});

// A family search with digits may hold a CPR number, which must never reach a URL (browser
// history, proxy and access logs): such a search is posted instead; the view holds it in the
// session and answers with a token. Without script, the view redirects the GET the same way.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form[data-post-if-digits]").forEach((form) => {
    form.addEventListener("submit", () => {
      const input = form.elements.namedItem(form.dataset.postIfDigits);
      const token = document.querySelector("input[name=csrfmiddlewaretoken]");
      if (!input || !token || !/[0-9]/.test(input.value)) {
        return;
      }
      form.method = "post";
      if (!form.querySelector("input[name=csrfmiddlewaretoken]")) {
        const field = document.createElement("input");
        field.type = "hidden";
        field.name = "csrfmiddlewaretoken";
        field.value = token.value;
        form.appendChild(field);
      }
    });
  });
  // A field checked by htmx answers with its error slot; the slot names its field, whose
  // aria-invalid must follow the answer so screen readers announce the field as wrong.
  document.body.addEventListener("htmx:afterSwap", () => {
    document.querySelectorAll("[data-field][data-invalid]").forEach((slot) => {
      const field = document.getElementById(slot.dataset.field);
      if (!field) {
        return;
      }
      if (slot.dataset.invalid === "true") {
        field.setAttribute("aria-invalid", "true");
      } else {
        field.removeAttribute("aria-invalid");
      }
    });
  });
});
