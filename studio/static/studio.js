// Small progressive enhancements: live preview, drafting progress, sandbox chat.
(function () {
  "use strict";
  const csrf = document.querySelector('meta[name="csrf-token"]')?.content || "";
  // The page carries these phrases in the user's language, keyed by the Chinese originals.
  const phrases = JSON.parse(document.getElementById("ui-phrases")?.textContent || "{}");
  const t = (text) => phrases[text] || text;

  const body = document.getElementById("body");
  const preview = document.getElementById("preview");
  const tabs = document.getElementById("preview-tabs");
  const channelBox = document.getElementById("channel-previews");
  let selectedPanel = "preview";
  const selectPanel = (name) => {
    selectedPanel = name;
    for (const tab of tabs.querySelectorAll(".tab")) {
      tab.classList.toggle("active", tab.dataset.panel === name);
      tab.setAttribute("aria-selected", tab.dataset.panel === name ? "true" : "false");
    }
    preview.hidden = name !== "preview";
    for (const panel of channelBox.querySelectorAll(".tab-panel")) panel.hidden = panel.dataset.panel !== name;
  };
  // One tab per channel of the brand: the text as that platform receives it, its size against the limit.
  const renderChannels = (channels) => {
    for (const tab of tabs.querySelectorAll(".tab[data-channel]")) tab.remove();
    channelBox.replaceChildren();
    for (const channel of channels) {
      const name = "channel-" + channel.channel;
      const tab = document.createElement("button");
      tab.type = "button";
      tab.className = "tab user-content" + (channel.fits ? "" : " over");  // a channel's name is the brand's
      tab.dataset.panel = name;
      tab.dataset.channel = channel.channel;
      tab.setAttribute("role", "tab");
      tab.textContent = channel.name + (channel.fits ? "" : " ⚠");
      tab.title = channel.label;
      tabs.append(tab);
      const panel = document.createElement("div");
      panel.className = "tab-panel channel-preview";
      panel.dataset.panel = name;
      const meter = document.createElement("p");
      meter.className = "meter small " + (channel.fits ? "ok" : "over");
      meter.textContent = channel.label + " · " + channel.length + " / " + channel.limit + " " + channel.unit
        + (channel.fits ? " · " + t("可以发送") : "");
      panel.append(meter);
      if (!channel.fits) {
        const problem = document.createElement("p");
        problem.className = "flash error small";
        problem.textContent = t("无法在此渠道发送：") + channel.problem;
        panel.append(problem);
      }
      const text = document.createElement("pre");
      text.className = "rendered user-content";
      text.textContent = channel.text;  // the platform's markup shown as text, never as HTML
      panel.append(text);
      channelBox.append(panel);
    }
    if (selectedPanel !== "preview" && !channelBox.querySelector('[data-panel="' + selectedPanel + '"]')) selectedPanel = "preview";
    selectPanel(selectedPanel);
  };
  if (tabs) tabs.addEventListener("click", (event) => { const tab = event.target.closest(".tab"); if (tab) selectPanel(tab.dataset.panel); });
  if (body && preview && body.dataset.previewUrl) {
    const refresh = async () => {
      const form = new FormData();
      form.append("body", body.value);
      if (body.dataset.postId) form.append("post_id", body.dataset.postId);
      const response = await fetch(body.dataset.previewUrl, {method: "POST", body: form, headers: {"X-CSRFToken": csrf}});
      const result = await response.json().catch(() => ({}));
      if (!response.ok) {
        if (result.error) { preview.textContent = result.error; preview.classList.add("preview-refused"); }
        return;
      }
      preview.classList.remove("preview-refused");
      preview.innerHTML = result.html;  // sanitized on the server
      if (result.problems && result.problems.length) {
        const notice = document.createElement("p");
        notice.className = "preview-problems";
        notice.textContent = t("保存时会被拒绝：") + result.problems.join(t("；"));
        preview.prepend(notice);
      }
      if (result.channels && tabs) renderChannels(result.channels);
    };
    let timer = null;
    body.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(refresh, 250); });
    if (body.dataset.postId && tabs) refresh();
  }

  // Compliance findings: underline them in a mirror of the text and offer one-click fixes.
  const findingsList = document.getElementById("findings");
  const marked = document.getElementById("marked");
  if (body && findingsList && body.dataset.lintUrl) {
    const severityLabel = {block: t("阻断"), warn: t("提示")};
    const render = (findings, text) => {
      findingsList.replaceChildren();
      marked.replaceChildren();
      let cursor = 0;
      for (const finding of findings) {
        if (finding.start < cursor) continue;
        marked.append(document.createTextNode(text.slice(cursor, finding.start)));
        const mark = document.createElement("mark");
        mark.className = finding.severity;
        mark.title = finding.message;
        mark.textContent = text.slice(finding.start, finding.end);
        marked.append(mark);
        cursor = finding.end;
      }
      marked.append(document.createTextNode(text.slice(cursor) + "\u200b"));  // a last empty line keeps its height
      marked.scrollTop = body.scrollTop;
      if (!findings.length) {
        const ok = document.createElement("li");
        ok.className = "muted";
        ok.textContent = t("未发现问题");
        findingsList.append(ok);
      }
      for (const finding of findings) {
        const item = document.createElement("li");
        item.className = finding.severity;
        const head = document.createElement("strong");
        head.textContent = "[" + (severityLabel[finding.severity] || finding.severity) + "] “" + finding.text + "” ";
        item.append(head, document.createTextNode(finding.message + t("。建议：") + finding.suggestion + " "));
        const change = finding.fix;  // the span the fix replaces: a deleted claim takes its clause along
        if (change && finding.replacement !== null && !body.readOnly) {
          const fix = document.createElement("button");
          fix.type = "button";
          fix.className = "fix";
          fix.textContent = change.label;
          fix.title = change.text;
          fix.addEventListener("click", () => {
            if (body.value.slice(change.start, change.end) !== change.text) return lintNow();
            body.value = body.value.slice(0, change.start) + finding.replacement + body.value.slice(change.end);
            body.dispatchEvent(new Event("input"));
          });
          item.append(fix);
        }
        findingsList.append(item);
      }
    };
    const lintNow = async () => {
      const form = new FormData();
      form.append("body", body.value);
      const text = body.value;
      const response = await fetch(body.dataset.lintUrl, {method: "POST", body: form, headers: {"X-CSRFToken": csrf}});
      if (response.ok && text === body.value) render(await response.json(), text);
    };
    render(JSON.parse(findingsList.dataset.initial || "[]"), body.value);
    let lintTimer = null;
    body.addEventListener("input", () => {
      marked.replaceChildren(document.createTextNode(body.value + "\u200b"));  // old marks would sit on the wrong words
      clearTimeout(lintTimer);
      lintTimer = setTimeout(lintNow, 300);
    });
    body.addEventListener("scroll", () => { marked.scrollTop = body.scrollTop; });
  }

  // Rewrite the selected passage with the model; the result replaces the selection, saving makes a revision.
  const rewriteBox = document.getElementById("rewrite");
  if (body && rewriteBox) {
    const button = document.getElementById("rewrite-button");
    const instruction = document.getElementById("rewrite-instruction");
    const status = document.getElementById("rewrite-status");
    const show = (message, kind) => { status.textContent = message; status.className = "small " + (kind || "muted"); };
    const rewrite = async () => {
      const start = body.selectionStart, end = body.selectionEnd;
      const passage = body.value.slice(start, end);
      if (!passage.trim()) return show(t("请先在正文中选中要改写的段落"), "error");
      button.disabled = true;
      show(t("改写中…"));
      const form = new FormData();
      form.append("passage", passage);
      form.append("instruction", instruction.value);
      try {
        const response = await fetch(rewriteBox.dataset.rewriteUrl, {method: "POST", body: form, headers: {"X-CSRFToken": csrf}});
        const result = await response.json().catch(() => ({}));
        if (!response.ok || !result.text) return show(result.error || t("改写失败，原文未改动，请重试"), "error");
        if (body.value.slice(start, end) !== passage) return show(t("改写期间正文有改动，未替换，请重新选中"), "error");
        body.value = body.value.slice(0, start) + result.text + body.value.slice(end);
        body.focus();
        body.setSelectionRange(start, start + result.text.length);
        body.dispatchEvent(new Event("input"));  // preview and compliance check follow the new text
        const note = document.querySelector('#editor-form input[name="note"]');
        if (note && !note.value) note.value = t("改写选段：") + result.instruction;
        show(t("已替换选中段落，保存后成为新修订"), "ok");
      } catch (error) {
        show(t("改写请求失败，原文未改动"), "error");
      } finally {
        button.disabled = false;
      }
    };
    button.addEventListener("click", rewrite);
    instruction.addEventListener("keydown", (event) => { if (event.key === "Enter") { event.preventDefault(); rewrite(); } });
  }

  for (const all of document.querySelectorAll("input.select-all")) {  // a table's header box ticks its rows
    all.addEventListener("change", () => {
      for (const box of all.closest("table").querySelectorAll("tbody input[type=checkbox]")) box.checked = all.checked;
    });
  }

  // Widths and questions come as data- attributes: the Content-Security-Policy allows no inline style or handler.
  for (const bar of document.querySelectorAll(".bar[data-width]")) bar.style.width = bar.dataset.width + "%";
  for (const form of document.querySelectorAll("form[data-confirm]")) {
    form.addEventListener("submit", (event) => {
      if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  }
  for (const field of document.querySelectorAll("[data-submit-on-change]")) {
    field.addEventListener("change", () => field.form.submit());
  }

  const progress = document.querySelector(".progress[data-progress-url]");
  if (progress) {
    const poll = async () => {
      const response = await fetch(progress.dataset.progressUrl);
      if (!response.ok) return;
      const state = await response.json();
      const finished = state.done - (state.failed || 0);
      const [finishedBar, failedBar] = progress.querySelectorAll(".bar");
      finishedBar.style.width = (state.total ? 100 * finished / state.total : 0) + "%";
      failedBar.style.width = (state.total ? 100 * (state.failed || 0) / state.total : 0) + "%";
      progress.querySelector(".label").textContent = state.failed
        ? finished + " " + progress.dataset.finishedLabel + " · " + state.failed + " " + progress.dataset.failedLabel + " / " + state.total
        : state.done + " / " + state.total;
      let ended = false;
      for (const post of state.posts || []) {
        const card = document.querySelector('.variant[data-post-id="' + post.id + '"]');
        if (!card) continue;
        if (post.status !== "generating" && card.querySelector(".s-generating")) ended = true;
        const partial = card.querySelector(".partial");  // the text the variant's worker has written so far
        if (partial && post.status === "generating") {  // unchecked text, labelled so; cleared when thrown away
          partial.textContent = post.partial || "";
          partial.hidden = !post.partial;
          const label = card.querySelector(".partial-label");
          if (label) label.hidden = !post.partial;
        }
      }
      if (ended) await refreshEndedVariants(state.posts);
      if (state.done < state.total) setTimeout(poll, 1500);
    };
    // A variant that finished or failed shows as the page would now render it: its badge, its draft or its reason.
    const refreshEndedVariants = async (posts) => {
      const response = await fetch(location.href);
      if (!response.ok) return;
      const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
      for (const post of posts) {
        if (post.status === "generating") continue;
        const card = document.querySelector('.variant[data-post-id="' + post.id + '"]');
        const replacement = fresh.querySelector('.variant[data-post-id="' + post.id + '"]');
        if (card && replacement && card.querySelector(".s-generating")) card.replaceWith(document.importNode(replacement, true));
      }
    };
    poll();
  }

  // A post still being drafted: show its text as the worker writes it, then load the finished draft.
  const drafting = document.getElementById("drafting");
  if (drafting) {
    const partial = document.getElementById("partial");
    const poll = async () => {
      const response = await fetch(drafting.dataset.progressUrl);
      if (response.ok) {
        const state = await response.json();
        if (state.status !== "generating") return location.reload();
        partial.textContent = state.partial;  // text, never markup
      }
      setTimeout(poll, 800);
    };
    setTimeout(poll, 800);
  }

  // A large knowledge upload indexed by a worker: follow its stage, then load the page with the result.
  for (const job of document.querySelectorAll(".library-job[data-job-url]")) {
    if (job.dataset.state !== "queued" && job.dataset.state !== "running") continue;
    const poll = async () => {
      const response = await fetch(job.dataset.jobUrl);
      if (response.ok) {
        const state = await response.json();
        if (state.state === "done" || state.state === "failed") return location.reload();
        job.querySelector(".job-label").textContent = state.label;  // text, never markup
        const bar = job.querySelector("progress");
        if (bar) bar.value = state.fraction;
      }
      setTimeout(poll, 1000);
    };
    setTimeout(poll, 1000);
  }

  // The schedule form says how many groups and members an audience reaches before anyone confirms.
  const audience = document.getElementById("audience");
  if (audience) {
    const count = document.getElementById("audience-count");
    let audienceTimer = null;
    const refreshCount = async () => {
      if (!audience.value.trim()) { count.textContent = ""; return; }
      const response = await fetch(audience.dataset.countUrl + "?audience=" + encodeURIComponent(audience.value));
      const result = await response.json().catch(() => ({}));
      count.textContent = response.ok
        ? t("将发送到 {groups} 个群，共 {members} 人").replace("{groups}", result.groups).replace("{members}", result.members)
        : (result.error || "");
    };
    audience.addEventListener("input", () => { clearTimeout(audienceTimer); audienceTimer = setTimeout(refreshCount, 300); });
  }

  // A regeneration under way: the page shows the new revision as soon as it is stored.
  const regenerating = document.getElementById("regenerating");
  if (regenerating) {
    const poll = async () => {
      const response = await fetch(regenerating.dataset.progressUrl);
      if (response.ok && !(await response.json()).regenerating) return location.reload();
      setTimeout(poll, 1000);
    };
    setTimeout(poll, 1000);
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
          avatar.className = "avatar user-content";  // the group's own words and names
          avatar.textContent = (message.sender || "?").slice(0, 1);
          const bubble = document.createElement("div");
          bubble.className = "bubble";
          const meta = document.createElement("div");
          meta.className = "meta";
          const sender = document.createElement("span");
          sender.className = "user-content";
          sender.textContent = message.sender;
          meta.append(sender, " · " + message.time);  // the brand's clock, as on every page
          const text = document.createElement("div");
          text.className = "user-content";
          text.innerHTML = message.html;  // sanitized on the server
          bubble.append(meta, text);
          if (message.image && message.image.startsWith("/p/")) {  // the post's poster, served by the studio
            const picture = document.createElement("img");
            picture.className = "chat-image";
            picture.src = message.image;
            picture.alt = "";
            bubble.append(picture);
          }
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
