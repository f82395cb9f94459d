// Prints one closing line over every test runner's results: "kaas-tests: N passed, N failed".
const fs = require('node:fs');
const path = require('node:path');

const dir = process.argv[2];
const readJson = file => {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  } catch {
    return undefined;
  }
};

let passed = 0;
let failed = 0;
let skipped = 0;
const jest = readJson('jest.json');
if (jest) {
  passed += jest.numPassedTests;
  failed += jest.numFailedTests + (jest.numRuntimeErrorTestSuites ?? 0);
  skipped += jest.numPendingTests + (jest.numTodoTests ?? 0);
  console.log(
    `jest: ${jest.numPassedTests} passed, ${jest.numFailedTests} failed, ${
      jest.numRuntimeErrorTestSuites ?? 0
    } suites did not run`,
  );
} else {
  failed += 1;
  console.log('jest: no results (the run did not complete)');
}
for (const [file, name] of [
  ['e2e.json', 'playwright (demo setup)'],
  ['e2e-sso.json', 'playwright (Keycloak setup)'],
]) {
  const e2e = readJson(file);
  if (e2e) {
    const {
      expected = 0,
      unexpected = 0,
      flaky = 0,
      skipped: e2eSkipped = 0,
    } = e2e.stats ?? {};
    passed += expected + flaky;
    failed += unexpected;
    skipped += e2eSkipped;
    console.log(`${name}: ${expected + flaky} passed, ${unexpected} failed`);
  } else {
    failed += 1;
    console.log(`${name}: no results (the run did not complete)`);
  }
}
console.log(
  `kaas-tests: ${passed} passed, ${failed} failed${
    skipped ? `, ${skipped} skipped` : ''
  }`,
);
