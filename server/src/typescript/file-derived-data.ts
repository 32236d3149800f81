/**
 * Values derived from one file each (a unit's summary, a call's resolution), kept between analyses
 * of a TsProgram and dropped when what they were derived from changed. A value of file F is
 * computed under TsProgram.track(F), so the program records every other file whose facts it read;
 * a value of file F read while the program tracks file G (a value of G is being computed) makes G
 * a consumer of F. After changes, the values of the files TsProgram.changedSince names are
 * dropped, and with them those of their consumers, transitively: a summary that applied another is
 * computed again when that one is. File-grained by design: an over-approximation costs
 * recomputation, never a stale value.
 */
import type { TsProgram } from './program';

export class FileDerivedData {
  /** File -> files whose values read one of its values. */
  private readonly consumers = new Map<string, Set<string>>();
  private readonly tables: DerivedTable<unknown, unknown>[] = [];
  private mark: number;

  constructor(readonly program: TsProgram) {
    this.mark = program.changeMark();
  }

  /** A new memo table: values by file, then by key. */
  table<Key, Value>(): DerivedTable<Key, Value> {
    const table = new DerivedTable<Key, Value>(this);
    this.tables.push(table as DerivedTable<unknown, unknown>);
    return table;
  }

  /**
   * Drops the values the program's changes since the last call (or construction) may have made
   * stale. Returns the program's answer: 'all' (everything was dropped) or the changed files.
   */
  catchUp(): Set<string> | 'all' {
    const changed = this.program.changedSince(this.mark);
    this.mark = this.program.changeMark();
    if (changed === 'all') this.clear();
    else this.drop(changed);
    return changed;
  }

  /** Drops the values of `files`, and of their consumers, transitively, from every table. */
  drop(files: Iterable<string>): void {
    const dropped = new Set<string>();
    const pending = [...files];
    while (pending.length > 0) {
      const file = pending.pop()!;
      if (dropped.has(file)) continue;
      dropped.add(file);
      for (const consumer of this.consumers.get(file) ?? []) pending.push(consumer);
      // Its consumers are dropped too and record their reads again when computed.
      this.consumers.delete(file);
    }
    if (dropped.size > 0) for (const table of this.tables) table.drop(dropped);
  }

  clear(): void {
    this.consumers.clear();
    for (const table of this.tables) table.drop('all');
  }

  /** A value of `file` is read: the file the program tracks, if another, consumes it. */
  consult(file: string): void {
    const reader = this.program.trackedFile();
    if (reader === undefined || reader === file) return;
    let consumers = this.consumers.get(file);
    if (!consumers) this.consumers.set(file, (consumers = new Set()));
    consumers.add(reader);
  }
}

export class DerivedTable<Key, Value> {
  private readonly byFile = new Map<string, Map<Key, Value>>();

  constructor(private readonly owner: FileDerivedData) {}

  /** The value of `file` under `key`, computed by `compute` the first time (see FileDerivedData). */
  get(file: string, key: Key, compute: () => Value): Value {
    this.owner.consult(file);
    let values = this.byFile.get(file);
    if (values?.has(key)) return values.get(key)!;
    const value = this.owner.program.track(file, compute);
    values = this.byFile.get(file); // compute may have made it (other values of the file)
    if (!values) this.byFile.set(file, (values = new Map()));
    values.set(key, value);
    return value;
  }

  drop(files: ReadonlySet<string> | 'all'): void {
    if (files === 'all') this.byFile.clear();
    else for (const file of files) this.byFile.delete(file);
  }
}
