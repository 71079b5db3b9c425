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
