// Unit tests of the desk's write queue (node --test; no browser needed).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createQueue, saveStateText } from "../assets/grading/queue.js";

/** A storage like the browser's. */
function memory() {
  const m = new Map();
  return { getItem: (k) => (m.has(k) ? m.get(k) : null), setItem: (k, v) => m.set(k, v) };
}

/** A server keeping versions per key; `down` makes every call fail like a dropped network. */
function server() {
  const s = { down: false, versions: new Map(), received: [] };
  s.send = async (w) => {
    if (s.down) throw new Error("network");
    const current = s.versions.get(w.key) || 0;
    if (w.body.version !== current) {
      return { status: 409, body: { error: { code: "conflict", details: { current: { version: current } } } } };
    }
    s.versions.set(w.key, current + 1);
    s.received.push([w.key, w.body.points]);
    return { status: 200, body: { version: current + 1 } };
  };
  return s;
}

const score = (q, points) => ({ key: `score:${q}`, method: "PUT", url: `/api/copies/1/scores/${q}/`, body: { points, version: 0 } });

test("writes go in order, each on the version the last one left", async () => {
  const srv = server();
  const q = createQueue({ storage: memory(), name: "desk-1", send: srv.send });
  await q.push(score("a", 1));
  await q.push(score("a", 2));
  await q.push(score("b", 3));
  assert.deepEqual(srv.received, [["score:a", 1], ["score:a", 2], ["score:b", 3]]);
  assert.equal(q.waiting(), 0);
  assert.deepEqual(q.versions(), { "score:a": 2, "score:b": 1 });
});

test("offline: changes wait in the storage, survive a reload, and go when the network is back", async () => {
  const srv = server();
  const storage = memory();
  const states = [];
  const q = createQueue({ storage, name: "desk-1", send: srv.send, onChange: (s, n) => states.push([s, n]) });
  srv.down = true;
  await q.push(score("a", 1));
  await q.push(score("b", 2));
  assert.equal(q.waiting(), 2);
  assert.deepEqual(states.at(-1), ["offline", 2]);
  assert.equal(saveStateText("offline", 2, "fr"), "Hors ligne\u00a0: 2\u00a0modifications en attente");
  // The tab is reloaded: a new queue reads the same storage.
  const again = createQueue({ storage, name: "desk-1", send: srv.send });
  assert.equal(again.waiting(), 2);
  srv.down = false;
  await again.flush();
  assert.deepEqual(srv.received, [["score:a", 1], ["score:b", 2]]);
  assert.equal(again.waiting(), 0);
});

test("of two waiting writes of one score, only the last is sent", async () => {
  const srv = server();
  const q = createQueue({ storage: memory(), name: "desk-2", send: srv.send });
  srv.down = true;
  await q.push(score("a", 1));
  await q.push(score("a", 1.5));
  await q.push(score("a", 2));
  srv.down = false;
  await q.flush();
  assert.deepEqual(srv.received, [["score:a", 2]]);
});

test("a write another tab made stale is reported and dropped, nothing is overwritten", async () => {
  const srv = server();
  srv.versions.set("score:a", 4); // another tab saved meanwhile
  const conflicts = [];
  const q = createQueue({ storage: memory(), name: "desk-3", send: srv.send, onConflict: (w) => conflicts.push(w.key) });
  await q.push(score("a", 1));
  assert.deepEqual(conflicts, ["score:a"]);
  assert.deepEqual(srv.received, []);
  assert.equal(q.waiting(), 0);
  // The next write is based on the version the server said it has.
  await q.push(score("a", 2));
  assert.deepEqual(srv.received, [["score:a", 2]]);
});

test("the save state reads in French and English", () => {
  assert.equal(saveStateText("saved", 0, "fr"), "Enregistré");
  assert.equal(saveStateText("saving", 1, "fr"), "Enregistrement…");
  assert.equal(saveStateText("offline", 1, "fr"), "Hors ligne\u00a0: 1\u00a0modification en attente");
  assert.equal(saveStateText("offline", 3, "en"), "Offline: 3 changes waiting");
});

/** A server of marks: POST gives an id, PUT and DELETE need it and the version. */
function marks() {
  const s = { down: false, next: 100, rows: new Map(), log: [] };
  s.send = async (w) => {
    if (s.down) throw new Error("network");
    if (w.method === "POST") {
      const id = s.next++;
      s.rows.set(id, { version: 1, data: w.body.data });
      s.log.push(["POST", id]);
      return { status: 201, body: { id, version: 1 } };
    }
    const id = Number(/\/annotations\/(\d+)\//.exec(w.url)[1]);
    const row = s.rows.get(id);
    if (!row) return { status: 404, body: { error: { code: "not_found" } } };
    const version = w.method === "DELETE" ? Number(/version=(\d+)/.exec(w.url)[1]) : w.body.version;
    if (version !== row.version) return { status: 409, body: { error: { details: { current: { version: row.version } } } } };
    s.log.push([w.method, id]);
    if (w.method === "DELETE") s.rows.delete(id);
    else Object.assign(row, { version: row.version + 1, data: w.body.data });
    return { status: 200, body: w.method === "DELETE" ? null : { id, version: row.version } };
  };
  return s;
}

const mark = (local, method, data) => ({
  key: `annotation:${local}`,
  local,
  method,
  url: method === "POST" ? "/api/copies/1/annotations/" : method === "PUT" ? "/api/annotations/{id}/" : "/api/annotations/{id}/?version={version}",
  body: method === "DELETE" ? undefined : method === "PUT" ? { data, version: 0 } : { page: 1, kind: "tick", data },
});

test("a mark drawn, moved twice and erased offline reaches the server as one creation, one move and its deletion", async () => {
  const srv = marks();
  const q = createQueue({ storage: memory(), name: "desk-4", send: srv.send });
  srv.down = true;
  await q.push(mark("l1", "POST", { x: 0.1 }));
  await q.push(mark("l1", "PUT", { x: 0.2 }));
  await q.push(mark("l1", "PUT", { x: 0.3 }));
  await q.push(mark("l2", "POST", { x: 0.5 }));
  assert.equal(q.waiting(), 3, "the creation is never replaced by a move");
  srv.down = false;
  await q.flush();
  assert.deepEqual(srv.log, [["POST", 100], ["PUT", 100], ["POST", 101]]);
  assert.deepEqual(srv.rows.get(100).data, { x: 0.3 });
  await q.push(mark("l1", "DELETE"));
  assert.deepEqual(srv.log.at(-1), ["DELETE", 100]);
  assert.equal(srv.rows.has(100), false);
  assert.equal(q.serverId("l1"), undefined);
});

test("the writes of a closed tab are taken over, after ours, and its entry removed", async () => {
  const srv = server();
  const storage = memory();
  storage.removeItem = (k) => storage.setItem(k, "");
  const closed = createQueue({ storage, name: "desk-closed", send: srv.send });
  srv.down = true;
  await closed.push(score("a", 1));
  await closed.push(score("b", 2));
  const q = createQueue({ storage, name: "desk-new", send: srv.send });
  await q.push(score("c", 3));
  assert.equal(q.absorb("desk-closed"), 2);
  assert.equal(storage.getItem("desk-closed"), "");
  srv.down = false;
  await q.flush();
  assert.deepEqual(srv.received, [["score:c", 3], ["score:a", 1], ["score:b", 2]]);
});

test("an expired session keeps the writes and says so", async () => {
  let auth = 0;
  const q = createQueue({
    storage: memory(),
    name: "desk-5",
    send: async () => ({ status: 401, body: { error: { code: "unauthenticated" } } }),
    onAuth: () => auth++,
  });
  await q.push(score("a", 1));
  assert.equal(q.waiting(), 1);
  assert.equal(auth, 1);
});

test("a mark drawn and erased while offline never reaches the server", async () => {
  const srv = marks();
  const q = createQueue({ storage: memory(), name: "desk-6", send: srv.send });
  srv.down = true;
  await q.push(mark("l1", "POST", { x: 0.1 }));
  await q.push(mark("l1", "PUT", { x: 0.2 }));
  await q.push(mark("l2", "POST", { x: 0.5 }));
  await q.push(mark("l1", "DELETE"));
  assert.equal(q.waiting(), 1, "only the other mark waits");
  srv.down = false;
  await q.flush();
  assert.deepEqual(srv.log, [["POST", 100]]);
  assert.deepEqual(srv.rows.get(100).data, { x: 0.5 });
});

test("a flush asked while a write is on its way waits for it (finishing a copy right after typing)", async () => {
  const srv = server();
  let release;
  const gate = new Promise((r) => (release = r));
  const slow = async (w) => {
    await gate;
    return srv.send(w);
  };
  const q = createQueue({ storage: memory(), name: "desk-1", send: slow });
  const first = q.push(score("a", 1));
  const flushed = q.flush();
  let done = false;
  flushed.then(() => (done = true));
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(done, false, "the flush waits for the write under way");
  assert.equal(q.waiting(), 1);
  release();
  await flushed;
  await first;
  assert.equal(q.waiting(), 0);
  assert.deepEqual(srv.received, [["score:a", 1]]);
});

test("a score cleared then given again keeps its order, even while offline", async () => {
  // The server keeps a cleared score's next version: versions only grow.
  const srv = { down: false, version: 0, present: false, received: [] };
  const send = async (w) => {
    if (srv.down) throw new Error("network");
    if (w.method === "DELETE") {
      const v = Number(new URL(w.url, "http://x").searchParams.get("version"));
      if (!srv.present || v !== srv.version) return { status: 409, body: { error: { details: { current: null } } } };
      srv.present = false;
      srv.version += 1;
      srv.received.push("cleared");
      return { status: 200, body: { question: "a", points: null, version: srv.version } };
    }
    const ok = srv.present ? w.body.version === srv.version : w.body.version === 0 || w.body.version === srv.version;
    if (!ok) return { status: 409, body: { error: { details: { current: null } } } };
    srv.present = true;
    srv.version += 1;
    srv.received.push(w.body.points);
    return { status: 200, body: { version: srv.version } };
  };
  const q = createQueue({ storage: memory(), name: "desk-1", send });
  srv.down = true;
  await q.push(score("a", 1));
  await q.push({ key: "score:a", method: "DELETE", url: "/api/copies/1/scores/a/?version={version}" });
  await q.push(score("a", 2));
  assert.equal(q.waiting(), 3, "the later value does not jump before the clearing");
  srv.down = false;
  await q.flush();
  assert.deepEqual(srv.received, [1, "cleared", 2]);
  assert.deepEqual(q.versions(), { "score:a": 3 }, "the version kept growing through the clearing");
});
