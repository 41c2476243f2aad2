/**
 * Lets a child process run the TypeScript sources directly (`node -r ./test/resilience/support/register-ts.js
 * apps/worker/src/main.ts`), transpiled on load by @swc/core with the same settings as jest, so the
 * resilience tests can kill and restart real gateway and worker processes without a build step.
 */
const Module = require('node:module');
const { readFileSync } = require('node:fs');
const { transformSync } = require('@swc/core');

const options = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

Module._extensions['.ts'] = function compile(module, filename) {
  const { code } = transformSync(readFileSync(filename, 'utf8'), { ...options, filename });
  module._compile(code, filename);
};
