// Writes when each test file starts and finishes to .run/jest-progress.log, so that a run
// stopped by the time limit in scripts/test.sh can say which files were still running.
const fs = require('node:fs');
const path = require('node:path');

class ProgressReporter {
  constructor(globalConfig) {
    this.file = path.join(globalConfig.rootDir, '.run', 'jest-progress.log');
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    fs.writeFileSync(this.file, '');
  }

  write(event, testPath, extra = '') {
    const relative = path.relative(path.dirname(path.dirname(this.file)), testPath);
    fs.appendFileSync(this.file, `${new Date().toISOString()} ${event} ${relative}${extra}\n`);
  }

  onTestFileStart(test) {
    this.write('start', test.path);
  }

  onTestFileResult(test, result) {
    const failed = result.numFailingTests > 0 || result.testExecError ? 'failed' : 'passed';
    this.write('end', test.path, ` ${failed} ${((result.perfStats.end - result.perfStats.start) / 1000).toFixed(1)}s`);
  }
}

module.exports = ProgressReporter;
