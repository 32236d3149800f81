/**
 * The part of the TS/JS front end that needs TypeScript (ts-morph): parsing and fact extraction.
 * The build bundles it alone as dist/typescript-frontend.js; load.ts requires it on first use, so
 * the server and the CLI start without ~10 MB of TypeScript unless the workspace has TS/JS files.
 */
export { emptyTsFacts, extractTsFacts, extractTsFactsOfTree, type ExtractTsOptions } from './extract';
// Open documents keep their tree and reparse incrementally (document.ts).
export { parseTs, reparseTs, type TsTextEdit, type TsTree } from './parser';
// FG001's quick fixes (T2): loops, branches and name uses of one file, parsed on demand.
export { outlineForFixes, type FixOutline } from './fix-outline';
