/**
 * Counts, at any commit, the lines containing a fixed string summed over the files of a folder's
 * subtree — what `git grep -c --fixed-strings <needle> <commit> -- .` sums to — without running
 * `git grep` over the whole tree for each commit.
 *
 * Weekly samples of a busy repository share almost every file and folder. Trees and blobs are read
 * through one long-lived `git cat-file --batch` and each object's count is remembered by its id, so
 * a year of samples costs one full read plus the folders and files that changed. (One process, not
 * one per sample: spawning from a server holding a large heap costs tens of milliseconds each.)
 * Git runs with argument arrays, never a shell.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { runGit } from './git';

const TREE_MODE = '40000';
/** Regular and executable files; symlinks and submodules are not text git grep would count. */
const COUNTED_FILE_MODES = new Set(['100644', '100755']);
const OBJECT_ID_BYTES = 20;

export class CommitLineCounter {
  private readonly countByObject = new Map<string, number>();
  private readonly needle: Buffer;
  private reader: ObjectReader | undefined;
  private prefix: string | undefined;

  constructor(
    private readonly root: string,
    needle: string,
  ) {
    this.needle = Buffer.from(needle, 'utf8');
  }

  /** The sum of matching lines over the files of `commit` under the root folder (0 when the folder did not exist). */
  async count(commit: string): Promise<number> {
    this.prefix ??= await this.rootPrefix();
    this.reader ??= new ObjectReader(this.root);
    // `<commit>:<path>` names the folder's tree at that commit; `<commit>:` the whole tree.
    const tree = await this.reader.read(`${commit}:${this.prefix.replace(/\/$/, '')}`);
    if (tree.type === 'missing') {
      const exists = await runGit(this.root, ['cat-file', '-e', `${commit}^{commit}`]);
      if (exists.code !== 0) throw new Error(`git: no commit ${commit} (${exists.stderr.trim()})`);
      return 0;
    }
    return this.countTree(tree);
  }

  dispose(): void {
    this.reader?.close();
    this.reader = undefined;
  }

  /** The root's path inside its repository (`svc/api/`), empty at the top. */
  private async rootPrefix(): Promise<string> {
    const result = await runGit(this.root, ['rev-parse', '--show-prefix']);
    if (result.code !== 0) throw new Error(`git rev-parse --show-prefix failed: ${result.stderr.trim()}`);
    return result.stdout.trim();
  }

  private async countTree(tree: GitObject): Promise<number> {
    let total = 0;
    for (const entry of treeEntries(tree.content)) {
      const isTree = entry.mode === TREE_MODE;
      if (!isTree && !COUNTED_FILE_MODES.has(entry.mode)) continue;
      let count = this.countByObject.get(entry.id);
      if (count === undefined) {
        const object = await this.reader!.read(entry.id);
        count = isTree ? await this.countTree(object) : countLinesContaining(object.content, this.needle);
        this.countByObject.set(entry.id, count);
      }
      total += count;
    }
    return total;
  }
}

/** Entries of a tree object in git's binary format: `<mode> <name>\0<20-byte id>`, repeated. */
function* treeEntries(content: Buffer): Generator<{ mode: string; id: string }> {
  let at = 0;
  while (at < content.length) {
    const space = content.indexOf(0x20, at);
    const nul = content.indexOf(0, space);
    if (space < 0 || nul < 0 || nul + 1 + OBJECT_ID_BYTES > content.length) return;
    yield { mode: content.toString('latin1', at, space), id: content.toString('hex', nul + 1, nul + 1 + OBJECT_ID_BYTES) };
    at = nul + 1 + OBJECT_ID_BYTES;
  }
}

/** Lines (split at `\n`, as git grep splits them) that contain the needle. */
export function countLinesContaining(content: Buffer, needle: Buffer): number {
  let count = 0;
  let from = 0;
  for (;;) {
    const at = content.indexOf(needle, from);
    if (at < 0) return count;
    count++;
    const lineEnd = content.indexOf(0x0a, at + needle.length);
    if (lineEnd < 0) return count;
    from = lineEnd + 1;
  }
}

interface GitObject {
  type: string;
  content: Buffer;
}

/**
 * One `git cat-file --batch` process answering reads in order. Its output for each request is
 * `<object> <type> <size>\n<content>\n`, or `<name> missing\n`.
 */
class ObjectReader {
  private readonly process: ChildProcessWithoutNullStreams;
  /** Output not yet consumed, in the chunks it came in; joined only once a whole answer is there. */
  private chunks: Buffer[] = [];
  private bufferedBytes = 0;
  /** Bytes needed before the next answer can be parsed (0: try at once). */
  private neededBytes = 0;
  private readonly waiting: { resolve: (object: GitObject) => void; reject: (error: Error) => void }[] = [];
  private failure: Error | undefined;

  constructor(root: string) {
    this.process = spawn('git', ['cat-file', '--batch'], { cwd: root, windowsHide: true });
    this.process.stdout.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.bufferedBytes += chunk.length;
      if (this.bufferedBytes >= this.neededBytes) this.drain();
    });
    const fail = (error: Error): void => {
      this.failure ??= error;
      for (const waiter of this.waiting.splice(0)) waiter.reject(this.failure);
    };
    this.process.on('error', fail);
    this.process.on('close', () => fail(new Error('git cat-file --batch ended early')));
    this.process.stdin.on('error', fail);
  }

  read(name: string): Promise<GitObject> {
    if (this.failure) return Promise.reject(this.failure);
    if (/[\n\r]/.test(name)) return Promise.resolve({ type: 'missing', content: Buffer.alloc(0) });
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.process.stdin.write(`${name}\n`);
    });
  }

  close(): void {
    this.process.stdin.end();
  }

  private drain(): void {
    let buffered = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
    this.neededBytes = 0;
    while (this.waiting.length > 0) {
      const headerEnd = buffered.indexOf(0x0a);
      if (headerEnd < 0) {
        this.neededBytes = buffered.length + 1;
        break;
      }
      const [, type, sizeText] = buffered.subarray(0, headerEnd).toString('utf8').split(' ');
      if (type === undefined || sizeText === undefined) {
        // `<name> missing` (or `ambiguous`): no such object, e.g. a folder that did not exist yet.
        buffered = buffered.subarray(headerEnd + 1);
        this.waiting.shift()!.resolve({ type: 'missing', content: Buffer.alloc(0) });
        continue;
      }
      const size = Number(sizeText);
      const end = headerEnd + 1 + size + 1;
      if (buffered.length < end) {
        this.neededBytes = end;
        break;
      }
      const content = Buffer.from(buffered.subarray(headerEnd + 1, headerEnd + 1 + size));
      buffered = buffered.subarray(end);
      this.waiting.shift()!.resolve({ type, content });
    }
    this.chunks = buffered.length > 0 ? [buffered] : [];
    this.bufferedBytes = buffered.length;
  }
}
