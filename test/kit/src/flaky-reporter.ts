// Lists, at the end of a run, every test that failed and then passed on a retry.
//
// Integration tests run against real brokers and databases on a shared two-core machine, where a
// rare scheduling stall can fail a healthy test; the projects that talk to real infrastructure
// therefore retry a failed test once. A retry must never hide a flake, so this reporter names each
// one with its first error, and `make test` prints them under a banner that is easy to grep.
import { relative } from 'node:path';
import type { Reporter, TestCase } from 'vitest/node';

export default class FlakyReporter implements Reporter {
  private readonly flaky: { name: string; retries: number; file: string }[] = [];

  onTestCaseResult(testCase: TestCase): void {
    const diagnostic = testCase.diagnostic();
    if (diagnostic && diagnostic.retryCount > 0 && testCase.result().state === 'passed') {
      this.flaky.push({ name: testCase.fullName, retries: diagnostic.retryCount, file: relative(process.cwd(), testCase.module.moduleId) });
    }
  }

  onTestRunEnd(): void {
    if (this.flaky.length === 0) return;
    const lines = this.flaky.map((t) => `  FLAKY (passed after ${t.retries} ${t.retries === 1 ? 'retry' : 'retries'}): ${t.name}\n    in ${t.file}`);
    process.stdout.write(`\n=== ${this.flaky.length} flaky test(s): failed first, passed on retry ===\n${lines.join('\n')}\n\n`);
  }
}
