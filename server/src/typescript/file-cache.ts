/**
 * Per-file derived data of a TsProgram kept between analyses: each value is computed as tracked
 * data of its file (TsProgram.track), and dropped when the program says the file, or something
 * its computation read, changed (TsProgram.changedSince). For checkers' whole-workspace passes
 * (FG002's resolved calls) that would otherwise resolve every file on every analysis.
 */
import type { TsProgram } from './program';

export class TsFileCache<T> {
  private readonly perProgram = new WeakMap<TsProgram, { mark: number; values: Map<string, T> }>();

  /**
   * The value of every file of the program, by file: each from the cache when nothing it read
   * changed, else computed (and kept). What changed is asked once per call, not once per file (a
   * whole-workspace pass runs at every analysis).
   */
  all(program: TsProgram, compute: (file: string) => T): Map<string, T> {
    const values = this.sync(program);
    const all = new Map<string, T>();
    for (const file of program.files()) {
      if (!values.has(file)) values.set(file, program.track(file, () => compute(file)));
      all.set(file, values.get(file)!);
    }
    return all;
  }

  /** Drops what changed since the last use on this program. */
  private sync(program: TsProgram): Map<string, T> {
    const mark = program.changeMark();
    let state = this.perProgram.get(program);
    if (!state) {
      state = { mark, values: new Map() };
      this.perProgram.set(program, state);
      return state.values;
    }
    if (state.mark === mark) return state.values;
    const changed = program.changedSince(state.mark);
    if (changed === 'all') state.values.clear();
    else for (const file of changed) state.values.delete(file);
    state.mark = mark;
    return state.values;
  }
}
