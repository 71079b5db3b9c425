// The corrector desk's write queue: every change (a score, a mark, the appreciation) is kept
// in the browser's storage first, then sent in order; a change made while the network is down
// waits there and goes when it comes back; closing or reloading the tab loses nothing.
//
// Each write concerns one `key` (`score:<question>`, `annotation:<id>`, `appreciation`); the
// server's version of each key is tracked here, so that a write names the version it is based
// on. A refused write (409: another tab or corrector saved first) is reported and dropped; the
// desk then shows the current value.
// @ts-check

/**
 * @typedef {{ key: string, method: string, url: string, body?: any, local?: string }} Write
 * @typedef {{ seq: number, key: string, method: string, url: string, body: any, local?: string }} Queued
 * @typedef {{ getItem(k: string): string | null, setItem(k: string, v: string): void, removeItem?(k: string): void }} Storage
 * @typedef {{ status: number, body: any }} Answer
 * @typedef {(w: Queued) => Promise<Answer>} Send
 */

/**
 * A persistent, ordered write queue.
 * @param {{ storage: Storage, name: string, send: Send,
 *           onConflict?: (w: Queued, answer: Answer) => void,
 *           onRefused?: (w: Queued, answer: Answer) => void, onAuth?: () => void,
 *           onChange?: (state: string, waiting: number) => void }} options
 */
export function createQueue(options) {
  const { storage, name, send } = options;
  const onConflict = options.onConflict || (() => {});
  const onChange = options.onChange || (() => {});
  const onRefused = options.onRefused || (() => {});
  const onAuth = options.onAuth || (() => {});
  /** @typedef {{ next: number, items: Queued[], versions: Record<string, number>, ids: Record<string, number> }} State */
  /** @param {string} key @returns {State | null} */
  const read = (key) => {
    try {
      const saved = storage.getItem(key);
      if (!saved) return null;
      const s = JSON.parse(saved);
      return { next: s.next || 1, items: s.items || [], versions: s.versions || {}, ids: s.ids || {} };
    } catch {
      // A damaged entry is not trusted; the server has everything sent before.
      return null;
    }
  };
  /** @type {State} */
  let state = read(name) || { next: 1, items: [], versions: {}, ids: {} };
  let sending = false;
  /** The send loop under way, if any: a flush asked meanwhile waits for it. @type {Promise<void> | null} */
  let running = null;
  let offline = false;

  const persist = () => storage.setItem(name, JSON.stringify(state));
  const report = () => {
    const waiting = state.items.length;
    onChange(waiting === 0 ? "saved" : offline ? "offline" : "saving", waiting);
  };

  return {
    /** The versions the server gave, by key (a key never written is at 0). */
    versions: () => ({ ...state.versions }),

    /** Records a version read from the server (the desk's load). @param {string} key @param {number} v */
    known(key, v) {
      if ((state.versions[key] || 0) < v) state.versions[key] = v;
      persist();
    },

    /** Writes waiting to be sent. */
    waiting: () => state.items.length,

    /** The server's id of a mark known by its local id, once it has one. @param {string} local */
    serverId: (local) => state.ids[local],

    /** The local id a server id is known by, if any. @param {number} id */
    localOf: (id) => Object.keys(state.ids).find((k) => state.ids[k] === id),

    /** Records the server's id of a mark loaded from the server. @param {string} local @param {number} id */
    bind(local, id) {
      state.ids[local] = id;
      persist();
    },

    /**
     * Takes over the writes another queue left in the storage (a tab closed before it could
     * send them): they go after ours, in their order, and the entry is removed.
     * @param {string} other
     */
    absorb(other) {
      const o = read(other);
      if (!o) return 0;
      for (const w of o.items) state.items.push({ ...w, seq: state.next++ });
      for (const [k, v] of Object.entries(o.versions)) if ((state.versions[k] || 0) < v) state.versions[k] = v;
      Object.assign(state.ids, o.ids);
      persist();
      if (storage.removeItem) storage.removeItem(other);
      report();
      return o.items.length;
    },

    /**
     * Keeps a write and tries to send it. Of two writes of the same key still waiting, the
     * later replaces the earlier (the server only needs the last value).
     * @param {Write} w
     */
    push(w) {
      /** @type {Queued} */
      const queued = { seq: state.next++, key: w.key, method: w.method, url: w.url, body: w.body };
      if (w.local) queued.local = w.local;
      // A mark created and erased before its creation was sent never reaches the server.
      if (w.method === "DELETE") {
        const created = state.items.findIndex((q, i) => q.key === w.key && q.method === "POST" && !(sending && i === 0));
        if (created >= 0) {
          state.items = state.items.filter((q, i) => q.key !== w.key || (sending && i === 0));
          persist();
          report();
          return this.flush();
        }
      }
      // Only a value replaces a value, and only the key's last write: a creation or a
      // deletion is never skipped, nor a value moved before one.
      let last = -1;
      state.items.forEach((q, i) => {
        if (q.key === w.key) last = i;
      });
      const at = w.method === "PUT" && last >= 0 && state.items[last].method === "PUT" && !(sending && last === 0) ? last : -1;
      if (at >= 0) state.items[at] = queued;
      else state.items.push(queued);
      persist();
      report();
      return this.flush();
    },

    /**
     * Sends the waiting writes in order; stops at the first network failure. Resolves when
     * the queue is empty or stopped, including the writes another call was already sending
     * (the desk awaits it before finishing a copy).
     * @returns {Promise<void>}
     */
    flush() {
      if (!running) {
        running = (async () => {
          try {
            // A write kept while the last one was answered goes too (checked and cleared in
            // one step: nothing pushed in between can be left behind).
            do await sendAll();
            while (!offline && state.items.length);
          } finally {
            running = null;
          }
        })();
      }
      return running;
    },
  };

  async function sendAll() {
    sending = true;
    try {
      while (state.items.length) {
        const w = state.items[0];
        const body = w.body && typeof w.body === "object" ? { ...w.body } : w.body;
        if (body && "version" in body) body.version = state.versions[w.key] || 0;
        let url = w.url.replace("{version}", String(state.versions[w.key] || 0));
        if (url.includes("{id}")) {
          const id = w.local ? state.ids[w.local] : undefined;
          if (id === undefined) {
            // Its creation was refused: nothing to change on the server.
            state.items.shift();
            persist();
            report();
            continue;
          }
          url = url.replace("{id}", String(id));
        }
        /** @type {Answer} */
        let answer;
        try {
          answer = await send({ ...w, url, body });
        } catch {
          offline = true;
          report();
          return;
        }
        offline = false;
        if (answer.status === 409) {
          onConflict(w, answer);
          const current = answer.body?.error?.details?.current;
          if (current && typeof current.version === "number") state.versions[w.key] = current.version;
          // Nothing on the server any more (cleared elsewhere): the next write creates it.
          else if (current === null) state.versions[w.key] = 0;
        } else if (answer.status >= 200 && answer.status < 300) {
          if (answer.body && typeof answer.body.version === "number") {
            state.versions[w.key] = answer.body.version;
          }
          if (w.method === "POST" && w.local && answer.body && typeof answer.body.id === "number") {
            state.ids[w.local] = answer.body.id;
          }
          if (w.method === "DELETE" && w.local) delete state.ids[w.local];
        } else if (answer.status >= 500 || answer.status === 0 || answer.status === 401 || (answer.status === 403 && answer.body?.error?.code === "csrf")) {
          // The server is down, or the session expired: keep the write for later.
          offline = true;
          report();
          if (answer.status === 401 || answer.status === 403) onAuth();
          return;
        } else {
          onRefused(w, answer);
        }
        // 2xx, 409 and other refusals (a bad value) leave the queue: retrying cannot help.
        state.items.shift();
        persist();
        report();
      }
    } finally {
      sending = false;
    }
  }
}

/**
 * What the desk shows of the queue.
 * @param {string} state @param {number} waiting @param {"fr" | "en"} lang
 */
export function saveStateText(state, waiting, lang) {
  const fr = lang !== "en";
  if (state === "saved") return fr ? "Enregistré" : "Saved";
  if (state === "saving") return fr ? "Enregistrement…" : "Saving…";
  const n = fr ? (waiting < 2 ? `${waiting}\u00a0modification` : `${waiting}\u00a0modifications`) : `${waiting} change${waiting === 1 ? "" : "s"}`;
  return fr ? `Hors ligne\u00a0: ${n} en attente` : `Offline: ${n} waiting`;
}
