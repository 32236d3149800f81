/**
 * The node kinds facts are extracted from, and the one tree-sitter query that finds them.
 * Walking every node from JavaScript costs as much as parsing, so extraction asks the tree for
 * exactly these nodes and navigates locally from those. A whole tree is searched with
 * `descendantsOfType` (one walk inside WASM, about 0.6x the cost of running the query); the
 * query serves searches limited to a range (a class header), which it can stop early.
 *
 * Capture names are the vocabulary of extract.ts (see `Capture` below).
 */
export type Capture =
  | 'call'
  | 'assign'
  | 'walrus'
  | 'import'
  | 'import_from'
  | 'import_future'
  | 'return'
  | 'global'
  | 'def'
  | 'class'
  | 'if'
  | 'elif'
  | 'else'
  | 'for'
  | 'while'
  | 'try'
  | 'except'
  | 'finally'
  | 'with'
  | 'case'
  | 'comprehension'
  | 'lambda'
  | 'decorated';

/** Named node type -> what extract.ts calls it. */
export const CAPTURE_OF_NODE_TYPE: Readonly<Record<string, Capture>> = {
  call: 'call',
  assignment: 'assign',
  named_expression: 'walrus',
  import_statement: 'import',
  import_from_statement: 'import_from',
  future_import_statement: 'import_future',
  return_statement: 'return',
  global_statement: 'global',
  nonlocal_statement: 'global',
  function_definition: 'def',
  class_definition: 'class',
  if_statement: 'if',
  elif_clause: 'elif',
  else_clause: 'else',
  for_statement: 'for',
  while_statement: 'while',
  try_statement: 'try',
  except_clause: 'except',
  finally_clause: 'finally',
  with_statement: 'with',
  case_clause: 'case',
  list_comprehension: 'comprehension',
  set_comprehension: 'comprehension',
  dictionary_comprehension: 'comprehension',
  generator_expression: 'comprehension',
  lambda: 'lambda',
  // Not visited: extract.ts tells a decorated definition by this capture around it.
  decorated_definition: 'decorated',
};

/** `(call) @call` ... : one single-node pattern per entry of CAPTURE_OF_NODE_TYPE. */
export const FACTS_QUERY_SOURCE = Object.entries(CAPTURE_OF_NODE_TYPE)
  .map(([type, capture]) => `(${type}) @${capture}`)
  .join('\n');
