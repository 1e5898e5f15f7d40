// Scores one page of a site on this machine with the MDN HTTP Observatory's own retriever,
// tests and grader (npm @mdn/mdn-http-observatory). Its command line takes a host name
// only (ports 80 and 443, the home page); this takes the ports, the path and a cookie.
//   node bench/observatory.mjs HOST HTTP_PORT HTTPS_PORT PATH [COOKIE]
// NODE_EXTRA_CA_CERTS must name the certificate authority of the site's certificate.
import { retrieve } from "@mdn/mdn-http-observatory/src/retriever/retriever.js";
import { ALL_TESTS, NUM_TESTS } from "@mdn/mdn-http-observatory/src/constants.js";
import { getGradeForScore, getScoreModifier } from "@mdn/mdn-http-observatory/src/grader/grader.js";
import { MINIMUM_SCORE_FOR_EXTRA_CREDIT } from "@mdn/mdn-http-observatory/src/grader/charts.js";

const [host, httpPort, httpsPort, path, cookie] = process.argv.slice(2);
const headers = ["Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"];
if (cookie) headers.push(`Cookie: ${cookie}`);

const retrieved = await retrieve(host, { httpPort, httpsPort, path, headers });
if (!retrieved.responses.auto) {
  console.log(JSON.stringify({ error: "no answer" }));
  process.exit(1);
}
// The grading as the Observatory does it: modifiers add up from 100; bonuses count only
// when the score without them is already an A.
let withBonus = 100;
let withoutBonus = 100;
let passed = 0;
const tests = {};
for (const test of ALL_TESTS) {
  const result = test(retrieved);
  const modifier = result.result ? getScoreModifier(result.result) : 0;
  withBonus += modifier;
  if (modifier < 0) withoutBonus += modifier;
  if (result.pass) passed += 1;
  tests[result.constructor.name] = { result: result.result, pass: result.pass, modifier };
}
const score = withoutBonus >= MINIMUM_SCORE_FOR_EXTRA_CREDIT ? withBonus : withoutBonus;
const final = getGradeForScore(score);
console.log(JSON.stringify({
  path,
  status: retrieved.responses.auto.status,
  grade: final.grade,
  score: final.score,
  passed,
  tests_total: NUM_TESTS,
  csp: retrieved.responses.auto.headers["content-security-policy"] ?? null,
  tests,
}));
