// Destructive buttons ask first: <button data-confirm="Cancel this session?">.
// A static file, not inline code, so the Content-Security-Policy allows it.
document.addEventListener("submit", (event) => {
  const button = event.submitter;
  const question = button && button.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
