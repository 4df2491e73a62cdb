// Every page's forms (a script file, not inline, for the Content-Security-Policy):
// - after a form error the focus goes to the error summary (web/workspace/includes/form_errors.html),
//   so that screen readers read it and keyboard users start from its links;
// - in a long form (data-long-form) Enter in a one-line field does not send the form: the
//   person was most likely validating a suggestion or going to the next field.
(() => {
  const summary = document.getElementById("erreurs");
  if (summary) {
    summary.focus();
    summary.scrollIntoView({ block: "start" });
  }
  const SENDS = new Set(["submit", "button", "image", "reset", "checkbox", "radio", "file"]);
  for (const form of document.querySelectorAll("form[data-long-form]")) {
    form.addEventListener("keydown", (event) => {
      const target = event.target;
      if (event.key !== "Enter" || event.isComposing) return;
      if (target.tagName === "INPUT" && !SENDS.has(target.type)) event.preventDefault();
    });
  }
})();
