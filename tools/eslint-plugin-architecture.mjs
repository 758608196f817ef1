// The project's architecture rules, checked on every lint (docs/architecture.md explains them).
import { builtinModules } from 'node:module';
import path from 'node:path';

const NODE_BUILTINS = new Set(builtinModules);

/** The repository-relative path of the file being linted, with forward slashes. */
function relativeFile(context) {
  return path.relative(context.cwd, context.filename).split(path.sep).join('/');
}

/** `src/modules/<name>/…` → `<name>`; anything else → null. */
function moduleOf(file) {
  const match = /^src\/modules\/([^/]+)\//.exec(file);
  return match ? match[1] : null;
}

function importSources(node) {
  // import … from 'x'; export … from 'x'; import('x'); require('x')
  if (node.source && typeof node.source.value === 'string') return node.source;
  return null;
}

const ENTITY_MANAGER_CALLS = new Set([
  'find',
  'findBy',
  'findOne',
  'findOneBy',
  'findOneOrFail',
  'findAndCount',
  'count',
  'exists',
  'save',
  'insert',
  'update',
  'upsert',
  'delete',
  'remove',
  'increment',
  'decrement',
  'getRepository',
]);

/** `manager`, `em`, `entityManager`, `dataSource`, or anything `.manager`. */
function isEntityManager(node) {
  if (node.type === 'Identifier') return /^(manager|em|entityManager|dataSource)$/.test(node.name);
  if (node.type === 'MemberExpression' && node.property.type === 'Identifier')
    return node.property.name === 'manager' || node.property.name === 'dataSource';
  return false;
}

const sqlOutsideRepository = {
  meta: {
    type: 'problem',
    docs: { description: 'SQL and query builders live only in *.repository.ts files of the table owner' },
    messages: {
      sql: "`{{name}}` outside a repository: move the statement into the owning module's *.repository.ts and call its method.",
    },
    schema: [],
  },
  create(context) {
    const file = relativeFile(context);
    if (!file.startsWith('src/') || file.endsWith('.repository.ts') || file.startsWith('src/database/')) return {};
    if (/\.spec\.ts$/.test(file)) return {};
    return {
      CallExpression(node) {
        const callee = node.callee;
        if (callee.type === 'Identifier' && callee.name === 'updateVersioned') {
          context.report({ node, messageId: 'sql', data: { name: 'updateVersioned(' } });
          return;
        }
        if (callee.type !== 'MemberExpression' || callee.property.type !== 'Identifier') return;
        const name = callee.property.name;
        if (name === 'query' || name === 'createQueryBuilder') {
          context.report({ node, messageId: 'sql', data: { name: `.${name}(` } });
          return;
        }
        // TypeORM's entity manager and data source are data access too.
        if (ENTITY_MANAGER_CALLS.has(name) && isEntityManager(callee.object))
          context.report({ node, messageId: 'sql', data: { name: `manager.${name}(` } });
      },
    };
  },
};

const pureDomain = {
  meta: {
    type: 'problem',
    docs: { description: 'src/domain imports only itself, decimal.js, chinese-days and Node built-ins' },
    messages: {
      impure:
        "src/domain is pure policy: '{{source}}' is not allowed (only src/domain itself, decimal.js, chinese-days and Node built-ins).",
    },
    schema: [],
  },
  create(context) {
    const file = relativeFile(context);
    if (!file.startsWith('src/domain/') || /\.spec(-helper)?\.ts$/.test(file)) return {};
    const check = (sourceNode) => {
      if (!sourceNode) return;
      const source = sourceNode.value;
      if (source.startsWith('.')) {
        const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), source));
        if (target.startsWith('src/domain/') || target === 'src/domain') return;
      } else {
        const bare = source.startsWith('node:') ? source.slice(5) : source;
        const pkg = bare.split('/')[0];
        if (source.startsWith('node:') || NODE_BUILTINS.has(bare)) return;
        if (pkg === 'decimal.js' || pkg === 'chinese-days') return;
      }
      context.report({ node: sourceNode, messageId: 'impure', data: { source } });
    };
    return {
      ImportDeclaration: (node) => check(importSources(node)),
      ExportNamedDeclaration: (node) => check(importSources(node)),
      ExportAllDeclaration: (node) => check(importSources(node)),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node.source),
    };
  },
};

const modulePublicSurface = {
  meta: {
    type: 'problem',
    docs: { description: "a module is reached only through its public index.ts, never through another module's internals" },
    messages: {
      internal: "'{{source}}' reaches into module '{{target}}': import from its public surface ('{{suggestion}}').",
    },
    schema: [],
  },
  create(context) {
    const file = relativeFile(context);
    if (!file.startsWith('src/') || /\.spec\.ts$/.test(file)) return {};
    const own = moduleOf(file);
    const check = (sourceNode) => {
      if (!sourceNode || !sourceNode.value.startsWith('.')) return;
      const source = sourceNode.value;
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), source));
      const match = /^src\/modules\/([^/]+)(\/(.*))?$/.exec(target);
      if (!match || match[1] === own) return;
      const rest = match[3];
      if (rest === undefined || rest === '' || rest === 'index') return;
      const suggestion = path.posix.relative(path.posix.dirname(file), `src/modules/${match[1]}`);
      context.report({ node: sourceNode, messageId: 'internal', data: { source, target: match[1], suggestion } });
    };
    return {
      ImportDeclaration: (node) => check(importSources(node)),
      ExportNamedDeclaration: (node) => check(importSources(node)),
      ExportAllDeclaration: (node) => check(importSources(node)),
    };
  },
};

const refusalsInDomain = {
  meta: {
    type: 'problem',
    docs: { description: 'policy refusals (DomainError) are constructed only in src/domain and the shared record refusals' },
    messages: {
      refusal:
        'A DomainError constructed here is a rule that escaped the domain: decide it in a pure function in src/domain (record refusals come from src/common/record-errors.ts).',
    },
    schema: [],
  },
  create(context) {
    const file = relativeFile(context);
    if (!file.startsWith('src/') || file.startsWith('src/domain/') || file === 'src/common/record-errors.ts') return {};
    if (/\.spec\.ts$/.test(file)) return {};
    return {
      NewExpression(node) {
        if (node.callee.type === 'Identifier' && node.callee.name === 'DomainError') context.report({ node, messageId: 'refusal' });
      },
    };
  },
};

export default {
  meta: { name: 'architecture' },
  rules: {
    'sql-in-repositories': sqlOutsideRepository,
    'pure-domain': pureDomain,
    'module-public-surface': modulePublicSurface,
    'refusals-in-domain': refusalsInDomain,
  },
};
