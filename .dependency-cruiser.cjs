/** Dependency rules checked by `node tools/architecture.mjs` (part of the test command). */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A file never depends on itself through others.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'src/domain is policy: no framework, no SQL, no other layer.',
      from: { path: '^src/domain/', pathNot: '\\.spec(-helper)?\\.ts$' },
      to: { pathNot: ['^src/domain/', 'node_modules/(decimal\\.js|chinese-days)/', '^(node:)?[a-z_]+$'], dependencyTypesNot: ['core'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.spec\\.ts$|\\.spec-helper\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
