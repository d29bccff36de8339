// Small progressive enhancements: live preview, drafting progress, sandbox chat.
(function () {
  "use strict";
  const csrf = document.querySelector('meta[name="csrf-token"]')?.content || "";

  const body = document.getElementById("body");
  const preview = document.getElementById("preview");
  if (body && preview && body.dataset.previewUrl) {
    let timer = null;
    body.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const form = new FormData();
        form.append("body", body.value);
        const response = await fetch(body.dataset.previewUrl, {method: "POST", body: form, headers: {"X-CSRFToken": csrf}});
        if (response.ok) preview.innerHTML = (await response.json()).html;  // sanitized on the server
      }, 250);
    });
  }

  const progress = document.querySelector(".progress[data-progress-url]");
  if (progress) {
    const poll = async () => {
      const response = await fetch(progress.dataset.progressUrl);
      if (!response.ok) return;
      const state = await response.json();
      progress.querySelector(".bar").style.width = (state.total ? 100 * state.done / state.total : 0) + "%";
      progress.querySelector(".label").textContent = state.done + " / " + state.total;
      if (state.done < state.total) setTimeout(poll, 1500);
      else if (progress.dataset.reloaded !== "1" && document.querySelector(".s-generating")) location.reload();
    };
    poll();
  }

  const chat = document.getElementById("chat");
  if (chat) {
    let lastId = 0;
    const poll = async () => {
      const response = await fetch(chat.dataset.messagesUrl + "?after=" + lastId);
      if (response.ok) {
        for (const message of await response.json()) {
          chat.querySelector(".empty")?.remove();
          const row = document.createElement("div");
          row.className = "msg";
          const avatar = document.createElement("div");
          avatar.className = "avatar";
          avatar.textContent = (message.sender || "?").slice(0, 1);
          const bubble = document.createElement("div");
          bubble.className = "bubble";
          const meta = document.createElement("div");
          meta.className = "meta";
          meta.textContent = message.sender + " · " + new Date(message.received_at).toLocaleString();
          const text = document.createElement("div");
          text.innerHTML = message.html;  // sanitized on the server
          bubble.append(meta, text);
          row.append(avatar, bubble);
          chat.append(row);
          lastId = Math.max(lastId, message.id);
        }
      }
      setTimeout(poll, 2000);
    };
    poll();
  }
})();
