// The content calendar: items in the brand's wall-clock time, filtered here, dragged to reschedule.
(() => {
  const element = document.getElementById("calendar");
  if (!element || !window.FullCalendar) return;
  const labels = JSON.parse(document.getElementById("calendar-labels").textContent);
  const csrf = document.querySelector('meta[name="csrf-token"]')?.content || "";
  const filters = document.getElementById("calendar-filters");
  const message = document.getElementById("calendar-message");
  const pad = (n) => String(n).padStart(2, "0");
  const day = (date) => `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
  // The calendar runs in UTC and is given brand-local times without an offset, so it shows them as they are
  // and the browser's own zone never shifts them.
  const wallClock = (date) => `${day(date)}T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}`;

  function show(text, kind) {
    message.textContent = text;
    message.className = `flash ${kind}`;
    message.hidden = !text;
  }

  function wanted(item) {
    const chosen = Object.fromEntries(new FormData(filters));
    const live = item.deliveries.filter((d) => d.status !== "cancelled");
    const groups = live.length ? live : item.deliveries;
    return (!chosen.segment || item.segment.slug === chosen.segment)
      && (!chosen.state || item.state === chosen.state)
      && (!chosen.region || groups.some((d) => d.region === chosen.region))
      && (!chosen.type || groups.some((d) => d.type === chosen.type));
  }

  function toEvent(item) {
    return {
      id: item.uid, title: `${item.title} · ${item.segment.name}`, start: item.local_start,
      startEditable: item.movable, durationEditable: false, classNames: [`cal-${item.state}`],
      // A ritual occurrence planned ahead has no post yet: it opens nothing.
      url: item.post_id ? element.dataset.postUrl.replace(/0$/, String(item.post_id)) : undefined,
      extendedProps: {item},
    };
  }

  async function load(info, success, failure) {
    const last = new Date(info.end.getTime() - 86400000);
    const query = new URLSearchParams({from: day(info.start), to: day(last)});
    try {
      const response = await fetch(`${element.dataset.itemsUrl}?${query}`, {headers: {Accept: "application/json"}});
      if (!response.ok) throw new Error((await response.json()).error || labels.loadFailed);
      success((await response.json()).filter(wanted).map(toEvent));
    } catch (error) {
      show(`${labels.loadFailed}: ${error.message}`, "error");
      failure(error);
    }
  }

  async function move(info) {
    const item = info.event.extendedProps.item;
    const target = wallClock(info.event.start);
    try {
      const response = await fetch(element.dataset.moveUrl.replace(/0\/reschedule$/, `${item.post_id}/reschedule`), {
        method: "POST", body: JSON.stringify({local_start: target}),
        headers: {"Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json"},
      });
      const answer = await response.json().catch(() => ({}));
      if (!response.ok) {
        info.revert();
        show(labels.refused + (answer.error || response.statusText), "error");
        return;
      }
      show(labels.moved.replace("{time}", answer.local_start.replace("T", " ")), "ok");
      calendar.refetchEvents();
    } catch (error) {
      info.revert();
      show(labels.failed, "error");
    }
  }

  function describe(info) {
    const item = info.event.extendedProps.item;
    const groups = item.deliveries.map((d) => `${d.name} (${d.type}${d.region ? ", " + d.region : ""}`
      + `${d.store ? " " + d.store : ""}): ${labels.deliveries[d.status] || d.status}`);
    info.el.title = [`${item.post_id ? "#" + item.post_id + " " : ""}${item.title}`, `${labels.states[item.state]} · ${item.segment.name}`
      + ` · ${item.persona.name}`, `${labels.groups}: ${groups.length}`, ...groups].join("\n");
    info.el.dataset.postId = item.post_id;
    info.el.dataset.state = item.state;
  }

  const calendar = new FullCalendar.Calendar(element, {
    timeZone: "UTC", now: element.dataset.now, locale: element.dataset.locale, firstDay: 1,
    initialView: "dayGridMonth", height: "auto", nowIndicator: true, editable: true, eventStartEditable: true,
    eventDurationEditable: false, dayMaxEvents: 4, displayEventEnd: false, allDaySlot: false,
    defaultTimedEventDuration: "01:00", scrollTime: "08:00", moreLinkText: (n) => `+${n}`,
    eventTimeFormat: {hour: "2-digit", minute: "2-digit", hour12: false},
    slotLabelFormat: {hour: "2-digit", minute: "2-digit", hour12: false},
    headerToolbar: {left: "prev,next today", center: "title", right: "dayGridMonth,timeGridWeek"},
    buttonText: {today: labels.today, month: labels.month, week: labels.week},
    events: load, eventDrop: move, eventDidMount: describe,
  });
  calendar.render();
  filters.addEventListener("change", () => calendar.refetchEvents());
})();
