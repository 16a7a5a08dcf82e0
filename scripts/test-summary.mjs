// Prints the plain "N passed, N failed" line CI reads: vitest's JSON report, plus the end-to-end
// runner's summary when its path is given (each editor scenario counts as one test).
import { existsSync, readFileSync } from 'node:fs';

const [vitestReport, e2eSummary] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;

if (vitestReport && existsSync(vitestReport)) {
  const report = JSON.parse(readFileSync(vitestReport, 'utf8'));
  passed += report.numPassedTests;
  // A suite that fails to load has no failed tests of its own: count it once.
  failed += report.numFailedTests + (report.numFailedTestSuites > 0 && report.numFailedTests === 0 ? report.numFailedTestSuites : 0);
  skipped += report.numPendingTests + report.numTodoTests;
} else {
  failed += 1;
  console.error(`test-summary: no vitest report at ${vitestReport}`);
}

if (e2eSummary !== undefined) {
  if (existsSync(e2eSummary)) {
    const summary = JSON.parse(readFileSync(e2eSummary, 'utf8'));
    passed += summary.passed;
    failed += summary.failed;
  } else {
    failed += 1;
    console.error(`test-summary: no end-to-end summary at ${e2eSummary} (setup or runner failed)`);
  }
}

console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
