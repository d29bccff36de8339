// The post page's poster panel: re-render the preview shortly after the editor stops changing the form.
(function () {
  const form = document.getElementById("poster-form");
  if (!form) return;
  const csrf = document.querySelector('meta[name="csrf-token"]')?.content || "";
  const image = document.getElementById("poster-preview");
  const status = document.getElementById("poster-status");
  let timer = null;
  let latest = 0;
  let shownUrl = null;

  async function render() {
    const ticket = ++latest;
    status.textContent = form.dataset.renderingLabel;
    status.className = "small";
    const body = new FormData(form);
    try {
      const response = await fetch(form.dataset.previewUrl, {method: "POST", body, headers: {"X-CSRFToken": csrf}});
      if (ticket !== latest) return; // a newer preview is on its way
      if (!response.ok) {
        const answer = await response.json().catch(() => ({}));
        status.textContent = `${form.dataset.failedLabel}: ${answer.error || response.status}`;
        status.className = "small error";
        return;
      }
      const blob = await response.blob();
      if (shownUrl) URL.revokeObjectURL(shownUrl);
      shownUrl = URL.createObjectURL(blob);
      image.src = shownUrl;
      image.hidden = false;
      status.textContent = `${Math.round(blob.size / 1024)} KB · ${response.headers.get("X-Render-Ms")} ms`;
    } catch (error) {
      if (ticket === latest) {
        status.textContent = `${form.dataset.failedLabel}: ${error}`;
        status.className = "small error";
      }
    }
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(render, 700);
  }

  form.addEventListener("input", later);
  form.addEventListener("change", later);
  document.getElementById("poster-preview-button").addEventListener("click", render);
})();
