/**
 * Facts of an open document after an edit, re-extracting only the statements the edit touched
 * (see document.ts). A 6,000-line file costs ~40 ms to extract whole; one edited method, a few ms.
 *
 * The file is cut into chunks: runs of top-level statements on whole lines (statements sharing a
 * line go in one chunk). A top-level class is cut further: its header (decorators, bases) is
 * extracted every time, and the statements of its body are chunks of their own (stdlib modules are
 * often one class of thousands of lines). A chunk's facts depend only on its text (and, in a class,
 * the class's name), on the line it starts at, and on how many scopes, and events and blocks of its
 * shared scope (the module or its class), come before it. So the facts of a chunk whose text did
 * not change are reused: as they are when those numbers did not change either, else relocated (a
 * copy with lines shifted and indices renumbered, see relocate()). The shared scope gets the
 * concatenation of its chunks' parts: chunks are disjoint and in source order, so that is also the
 * order a whole-file extraction sorts them into (by end offset).
 *
 * Reuse is safe only when the chunk's statements would be read the same way in any file:
 * - it starts a logical line (LogicalLines saw no open bracket, string or backslash before it),
 *   and its last line ends one, so statement spans never reach outside it;
 * - it holds no ERROR or MISSING node (error recovery depends on the context).
 * Chunks that fail these are extracted again on every edit. The whole-file fields (syntax errors,
 * suppressions, where imports go) are cheap and computed each time.
 */
import type { Node, Tree } from 'web-tree-sitter';
import { TextChunkStore, textChunkKey } from '../extraction/text-chunks';
import type { DocumentTrees, Stretch } from './document-trees';
import { assembleFacts, emptyModuleScope, extractClassMembers, extractFacts, extractFileFields, extractFileFieldsOfStretches, extractPart, type FactsPart } from './extract';
import type { PyClass, PyFacts, PyScope } from './facts';
import { lineShift, relocateClass, relocateScope, type Shift } from './relocate-facts';
import { LineIndex, LogicalLines } from './source-text';

/**
 * Where a part's facts sit in the file's facts: what relocation adjusts. A part's scopes array has
 * its context first (the module; for class members, an empty module and then the class), then the
 * scopes it defines.
 */
interface Placement {
  /** First line of the chunk. */
  line: number;
  /** Index in the file of the scope the chunk's statements are in (the module, or their class). */
  shared: number;
  /** Index in the file of the first scope the chunk defines. */
  firstOwn: number;
  /** Events of the shared scope before the chunk's. */
  eventsBefore: number;
  /** Blocks of the shared scope before the chunk's. */
  blocksBefore: number;
}

interface PlacedPart {
  part: FactsPart;
  placement: Placement;
}

interface Chunk {
  nodes: Node[];
  /** The tree the nodes are of (an open document may have several, see document-trees.ts). */
  tree: Tree;
  startLine: number;
  endLine: number;
  /** '' at the top level; for class members, the class qualname: with the text, the reuse key. */
  prefix: string;
  /** Offsets of the chunk's whole lines in the text. */
  from: number;
  to: number;
  reusable: boolean;
}

/** A reusable chunk's facts, with its text (a slice of the text it was found in). */
interface StoredChunk extends PlacedPart {
  text: string;
}

/** Top-level parts: [module]; class members: [empty module, class]. */
const TOP_LEVEL_SHARED = 0;
const MEMBER_SHARED = 1;

export class ChunkedFactsExtractor {
  /** Facts of the reusable chunks of the last extraction. */
  private chunks = new TextChunkStore<StoredChunk>();
  /**
   * Those of the extraction before: one character typed on a blank line inside a class (`x` at
   * column 0) ends the class there, and deleting it brings back every member chunk that had.
   */
  private olderChunks = new TextChunkStore<StoredChunk>();

  /** Drops the facts kept for reuse (the document closed). */
  clear(): void {
    this.chunks = new TextChunkStore<StoredChunk>();
    this.olderChunks = new TextChunkStore<StoredChunk>();
  }

  /**
   * Facts of `text` from its tree, or from an open document's trees, equal to extractFacts of a
   * tree of the whole text. Never throws. `lines` and `logicalLines`: of `text`, when the caller has them.
   */
  extract(syntax: Tree | DocumentTrees, text: string, lines = new LineIndex(text), logicalLines = new LogicalLines(lines)): PyFacts {
    const trees = 'rootNode' in syntax ? oneTree(syntax, text.length) : syntax;
    // When tree-sitter could not parse a module at all, the root is an ERROR holding thousands of
    // fragments: no statements to cut into chunks. (Windows are made of trees without errors.)
    if (trees.isWhole && trees.wholeTree().rootNode.type !== 'module') return extractFacts(trees.wholeTree(), text);
    try {
      return this.extractChunked(trees, text, lines, logicalLines);
    } catch {
      this.clear();
      return extractFacts(trees.wholeTree(), text);
    }
  }

  private extractChunked(trees: ParsedStretches, text: string, lines: LineIndex, logicalLines: LogicalLines): PyFacts {
    const moduleScope = emptyModuleScope(lines, text.length);
    const scopes: PyScope[] = [moduleScope];
    const classes: PyClass[] = [];
    const next = new TextChunkStore<StoredChunk>();

    /** Adds a part's facts to the file's; the part's shared scope goes into `shared`. */
    const append = (part: FactsPart, sharedSlot: number, shared: PyScope, sharedClass?: PyClass): void => {
      const sharedPart = part.scopes[sharedSlot];
      // Loops, not push(...spread): most parts add a few items, and there are hundreds of parts.
      for (const event of sharedPart.events) shared.events.push(event);
      for (const block of sharedPart.blocks) shared.blocks.push(block);
      for (const global of sharedPart.globals) shared.globals.push(global);
      for (let i = sharedSlot + 1; i < part.scopes.length; i++) scopes.push(part.scopes[i]);
      let ownClasses = part.classes;
      if (sharedClass) {
        const memberMethods = part.classes[0].methods;
        for (const name in memberMethods) if (Object.prototype.hasOwnProperty.call(memberMethods, name)) sharedClass.methods[name] = memberMethods[name];
        ownClasses = part.classes.length > 1 ? part.classes.slice(1) : [];
      }
      for (const pyClass of ownClasses) classes.push(pyClass);
    };

    /** Facts of one chunk: reused when its key is known, else extracted; then placed. */
    const chunkPart = (chunk: Chunk, placement: Placement, sharedSlot: number, extractAlone: () => FactsPart): FactsPart => {
      const key = chunk.reusable ? textChunkKey(text, chunk.from, chunk.to, chunk.prefix) : undefined;
      const known = key === undefined ? undefined : (next.find(key, text, chunk.from) ?? this.chunks.find(key, text, chunk.from) ?? this.olderChunks.find(key, text, chunk.from));
      let part: FactsPart;
      if (known) part = relocate(known.part, sharedSlot, known.placement, placement);
      else {
        const alone: Placement = { line: placement.line, shared: sharedSlot, firstOwn: sharedSlot + 1, eventsBefore: 0, blocksBefore: 0 };
        part = relocate(extractAlone(), sharedSlot, alone, placement);
      }
      if (key !== undefined) next.add(key, { part, placement, text: text.slice(chunk.from, chunk.to) });
      return part;
    };

    const stretches = trees.stretches().map((stretch) => ({ ...stretch, statements: trees.statementsOf(stretch) }));
    const file =
      stretches.length === 1 ? extractFileFields(stretches[0].tree, text, lines, logicalLines) : extractFileFieldsOfStretches(stretches, text, lines, logicalLines);
    const topLevel = stretches.flatMap((stretch) => chunksOf(stretch.statements, stretch.tree, '', 0, lines, logicalLines));
    for (const chunk of topLevel) {
      const tree = chunk.tree;
      const classNode = singleClass(chunk);
      if (!classNode) {
        const placement: Placement = {
          line: chunk.startLine,
          shared: 0,
          firstOwn: scopes.length,
          eventsBefore: moduleScope.events.length,
          blocksBefore: moduleScope.blocks.length,
        };
        append(chunkPart(chunk, placement, TOP_LEVEL_SHARED, () => extractPart(tree, text, lines, logicalLines, chunk.nodes)), TOP_LEVEL_SHARED, moduleScope);
        continue;
      }
      // A class is split: its header (decorators, bases: module-level events; the class scope) is
      // extracted every time, and the statements of its body are chunks of their own.
      const { root, body } = classNode;
      const headerAlone = extractPart(tree, text, lines, logicalLines, [root], body.startIndex);
      const alone: Placement = { line: chunk.startLine, shared: 0, firstOwn: 1, eventsBefore: 0, blocksBefore: 0 };
      const header = relocate(headerAlone, TOP_LEVEL_SHARED, alone, {
        line: chunk.startLine,
        shared: 0,
        firstOwn: scopes.length,
        eventsBefore: moduleScope.events.length,
        blocksBefore: moduleScope.blocks.length,
      });
      const classIndex = scopes.length;
      append(header, TOP_LEVEL_SHARED, moduleScope);
      const classScope = scopes[classIndex];
      const pyClass = classes.find((candidate) => candidate.scope === classIndex);
      if (classScope?.kind !== 'class' || !pyClass) throw new Error('class header without its class');
      for (const member of chunksOf(body.namedChildren as Node[], tree, classScope.qualname, body.startIndex - lines.lineStarts[lines.lineOf(body.startIndex)], lines, logicalLines)) {
        const placement: Placement = {
          line: member.startLine,
          shared: classIndex,
          firstOwn: scopes.length,
          eventsBefore: classScope.events.length,
          blocksBefore: classScope.blocks.length,
        };
        const part = chunkPart(member, placement, MEMBER_SHARED, () => extractClassMembers(tree, text, lines, logicalLines, member.nodes, classScope.qualname));
        append(part, MEMBER_SHARED, classScope, pyClass);
      }
    }
    this.olderChunks = this.chunks;
    this.chunks = next;
    return assembleFacts(file, scopes, classes);
  }
}

/** The parse the extractor reads: DocumentTrees, or one tree (oneTree). */
type ParsedStretches = Pick<DocumentTrees, 'stretches' | 'statementsOf' | 'wholeTree' | 'isWhole'>;

/** One tree as ParsedStretches: a single stretch, the whole text (`length` long). */
function oneTree(tree: Tree, length: number): ParsedStretches {
  return {
    stretches: (): Stretch[] => [{ tree, from: 0, to: length }],
    statementsOf: () => tree.rootNode.namedChildren as Node[],
    wholeTree: () => tree,
    isWhole: true,
  };
}

/** The class of a chunk that is one class definition (decorated or not), with its body. */
function singleClass(chunk: Chunk): { root: Node; body: Node } | undefined {
  if (chunk.nodes.length !== 1) return undefined;
  const root = chunk.nodes[0];
  const definition = root.type === 'decorated_definition' ? root.childForFieldName('definition') : root;
  if (definition?.type !== 'class_definition') return undefined;
  const body = definition.childForFieldName('body');
  return body ? { root, body } : undefined;
}

/**
 * Statements grouped into chunks of whole lines, in source order (comments left out). `indent`:
 * the column the statements of this context start at. One starting elsewhere is tree-sitter
 * reading an unexpected indent as if it were not there, which depends on what comes before: like an
 * ERROR node, it makes its chunk one to extract again every time.
 */
function chunksOf(statements: Node[], tree: Tree, prefix: string, indent: number, lines: LineIndex, logicalLines: LogicalLines): Chunk[] {
  const chunks: Chunk[] = [];
  let current: Chunk | undefined;
  /** The current chunk holds an ERROR or MISSING node, or a misplaced statement. */
  let dependsOnContext = false;
  const close = (): void => {
    if (!current) return;
    current.from = lines.lineStarts[current.startLine];
    current.to = current.endLine + 1 < lines.lineCount ? lines.lineStarts[current.endLine + 1] : lines.text.length;
    current.reusable = !dependsOnContext && logicalLines.startOf(current.startLine) === current.startLine && logicalLines.endOf(current.endLine) === current.endLine;
    chunks.push(current);
    current = undefined;
  };
  for (const node of statements) {
    if (lines.text.charCodeAt(node.startIndex) === 35) continue; // a comment: no facts
    const startLine = lines.lineOf(node.startIndex);
    const endLine = lines.lineOf(node.endIndex);
    const misplaced = node.startIndex - lines.lineStarts[startLine] !== indent;
    if (current && startLine <= current.endLine) {
      current.nodes.push(node);
      current.endLine = Math.max(current.endLine, endLine);
      dependsOnContext ||= node.hasError || misplaced;
      continue;
    }
    close();
    current = { nodes: [node], tree, startLine, endLine, prefix, from: 0, to: 0, reusable: false };
    dependsOnContext = node.hasError || misplaced;
  }
  close();
  return chunks;
}

// ---- relocation ---------------------------------------------------------------------------

/**
 * The part moved from one placement to another: the part itself when nothing moves, else a copy.
 * Facts are shared with readers and read-only, so a part is never changed in place: every object
 * holding a moved line or index is copied. Scope indices move everywhere; event and block indices
 * only in the shared scope, the one a chunk shares with the others.
 */
function relocate(part: FactsPart, sharedSlot: number, from: Placement, to: Placement): FactsPart {
  if (from.line === to.line && from.shared === to.shared && from.firstOwn === to.firstOwn && from.eventsBefore === to.eventsBefore && from.blocksBefore === to.blocksBefore) {
    return part;
  }
  const scope = (index: number): number => (index === from.shared ? to.shared : index >= from.firstOwn ? index - from.firstOwn + to.firstOwn : index);
  const shared: Shift = { ...lineShift(to.line - from.line), scope, events: to.eventsBefore - from.eventsBefore, blocks: to.blocksBefore - from.blocksBefore };
  const own: Shift = { ...shared, events: 0, blocks: 0 };
  return {
    scopes: part.scopes.map((pyScope, slot) => relocateScope(pyScope, slot === sharedSlot ? shared : own)),
    classes: part.classes.map((pyClass) => relocateClass(pyClass, own)),
  };
}
