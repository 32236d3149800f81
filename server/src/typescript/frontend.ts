/**
 * The part of the TS/JS front end that needs TypeScript (ts-morph): parsing and fact extraction.
 * The build bundles it alone as dist/typescript-frontend.js; load.ts requires it on first use, so
 * the server and the CLI start without ~10 MB of TypeScript unless the workspace has TS/JS files.
 */
export { emptyTsFacts, extractTsFacts, type ExtractTsOptions } from './extract';
// FG001's quick fixes (T2): loops, branches and name uses of one file, parsed on demand.
export { outlineForFixes, type FixOutline } from './fix-outline';
