/**
 * The one tree-sitter query facts are extracted with. Walking every node from JavaScript costs
 * as much as parsing; running a compiled query costs about a quarter of it, so extraction asks
 * the query for exactly the nodes it needs and navigates locally from those.
 *
 * Capture names are the vocabulary of extract.ts (see `Capture` below).
 */
export const FACTS_QUERY_SOURCE = `
(call) @call
(assignment) @assign
(named_expression) @walrus
(import_statement) @import
(import_from_statement) @import_from
(future_import_statement) @import_future
(return_statement) @return
(global_statement) @global
(nonlocal_statement) @global
(function_definition) @def
(class_definition) @class
(if_statement) @if
(elif_clause) @elif
(else_clause) @else
(for_statement) @for
(while_statement) @while
(try_statement) @try
(except_clause) @except
(finally_clause) @finally
(with_statement) @with
(case_clause) @case
(list_comprehension) @comprehension
(set_comprehension) @comprehension
(dictionary_comprehension) @comprehension
(generator_expression) @comprehension
(lambda) @lambda
`;

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
  | 'lambda';
