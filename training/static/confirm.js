// Destructive buttons ask first: <button data-confirm="Cancel this session?">.
// The question opens in the page's Bootstrap modal (base.html); "Yes" submits the form with
// that same button, so its name and value are sent. window.confirm is the fallback when
// Bootstrap's script has not loaded. A static file, so the Content-Security-Policy allows it.
document.addEventListener("submit", (event) => {
  const button = event.submitter;
  const question = button && button.dataset.confirm;
  const form = event.target;
  if (!question || form.dataset.confirmed === "yes") {
    return;
  }
  event.preventDefault();
  const dialog = document.getElementById("copa-confirm");
  if (!dialog || !window.bootstrap) {
    if (window.confirm(question)) {
      form.dataset.confirmed = "yes";
      form.requestSubmit(button);
    }
    return;
  }
  dialog.querySelector("#copa-confirm-question").textContent = question;
  const yes = dialog.querySelector("#copa-confirm-yes");
  const modal = window.bootstrap.Modal.getOrCreateInstance(dialog);
  const onYes = () => {
    form.dataset.confirmed = "yes";
    modal.hide();
    form.requestSubmit(button);
  };
  yes.addEventListener("click", onYes, { once: true });
  dialog.addEventListener("hidden.bs.modal", () => yes.removeEventListener("click", onYes), {
    once: true,
  });
  modal.show();
});
