// Unit tests of the desk's questions: points as typed, their bounds, the scheme's labels.
import { test } from "node:test";
import assert from "node:assert/strict";
import { byQuestions, parsePoints, pointsProblem, questionCount, questionLabels } from "../assets/grading/questions.js";

test("points are read in French and English notation", () => {
  assert.equal(parsePoints("2,5"), 2.5);
  assert.equal(parsePoints(" 3.25 "), 3.25);
  assert.equal(parsePoints(""), null);
  assert.ok(Number.isNaN(parsePoints("deux")));
  assert.ok(Number.isNaN(parsePoints("-1")));
});

test("a score is a quarter point within its question's maximum", () => {
  assert.equal(pointsProblem(null, 4), "");
  assert.equal(pointsProblem(3.75, 4), "");
  assert.equal(pointsProblem(4, 4), "");
  assert.equal(pointsProblem(4.25, 4), "too_many");
  assert.equal(pointsProblem(1.1, 4), "bad_points");
  assert.equal(pointsProblem(NaN, 4), "bad_points");
});

const nodes = [
  { id: "ex1", label: "Exercice 1", children: [{ id: "a", label: "a)", max_points: 2 }, { id: "b", label: "b)", max_points: 3 }] },
  { id: "q3", label: "Question 3", max_points: 5 },
];

test("questions are the scheme's leaves, labelled by their path", () => {
  assert.equal(questionCount(nodes), 3);
  assert.deepEqual([...questionLabels(nodes)], [
    ["a", "Exercice 1 · a)"],
    ["b", "Exercice 1 · b)"],
    ["q3", "Question 3"],
  ]);
});

test("a corrector given some of the questions grades by questions", () => {
  assert.equal(byQuestions({ scheme: { nodes }, my_questions: ["a", "b", "q3"] }), false);
  assert.equal(byQuestions({ scheme: { nodes }, my_questions: ["q3"] }), true);
});
