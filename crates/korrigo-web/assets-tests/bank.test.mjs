// Unit tests of the desk's comment bank search (node --test; no browser needed).
import { test } from "node:test";
import assert from "node:assert/strict";
import { fold, search } from "../assets/grading/bank.js";

const bank = [
  { id: 1, text: "Unité manquante", question: "q1", points: -0.5, shared: true, uses: 0, deletable: false },
  { id: 2, text: "Raisonnement juste", question: null, points: null, shared: false, uses: 3, deletable: true },
  { id: 3, text: "Justifiez le résultat", question: "q2", points: 1, shared: false, uses: 1, deletable: true },
];
const labels = new Map([["q1", "Exercice 1 · a)"], ["q2", "Exercice 2"]]);
const labelOf = (q) => (q && labels.get(q)) || "";

test("search ignores case and accents, needs every word, keeps the bank's order", () => {
  assert.equal(fold("Unité MANQUANTE"), "unite manquante");
  assert.deepEqual(search(bank, "unite", labelOf).map((c) => c.id), [1]);
  assert.deepEqual(search(bank, "JUST", labelOf).map((c) => c.id), [2, 3]);
  assert.deepEqual(search(bank, "justifiez resultat", labelOf).map((c) => c.id), [3]);
  assert.deepEqual(search(bank, "", labelOf).map((c) => c.id), [1, 2, 3]);
  assert.deepEqual(search(bank, "zzz", labelOf), []);
});

test("a comment is found by its question's label too", () => {
  assert.deepEqual(search(bank, "exercice 2", labelOf).map((c) => c.id), [3]);
});
