// Prints one plain closing line ("N passed, N failed, N skipped") after vitest's own summary, for CI logs.
import type { Reporter, TestModule } from 'vitest/node';

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const count = { passed: 0, failed: 0, skipped: 0 };
    for (const m of testModules) {
      let failedTests = 0;
      for (const t of m.children.allTests()) {
        const state = t.result().state;
        if (state === 'passed') count.passed++;
        else if (state === 'failed') failedTests++;
        else count.skipped++;
      }
      // A file can fail with no failing test: an import error, or a failed beforeAll (vitest then marks
      // the file's tests skipped). Count it as one failure so this line never reads as all green.
      count.failed += failedTests > 0 ? failedTests : m.state() === 'failed' ? 1 : 0;
    }
    console.log(`\nTests: ${count.passed} passed, ${count.failed} failed, ${count.skipped} skipped`);
  }
}
