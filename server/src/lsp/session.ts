/**
 * One language-server session: the Workspace behind a connection, and the wiring of LSP requests
 * and notifications to it. Each piece of policy lives in its own module (diagnostics, code actions,
 * scheduling, watching, notices); this class only routes between them and the engine.
 */
import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  TextDocumentSyncKind,
  type CancellationToken as LspCancellationToken,
  type CodeAction,
  type CodeActionParams,
  type Connection,
  type Diagnostic,
  type InitializeParams,
  type InitializeResult,
  type MessageActionItem,
} from 'vscode-languageserver/node';
import type { CancellationToken, Finding } from '../model';
import type { ForkGuardConfig } from '../model/config';
import type { AnalysisResult, WorkspaceOptions } from '../engine/api';
import type { Workspace } from '../engine/workspace';
import { AnalysisScheduler } from './analysisScheduler';
import { fixAllAction, FIX_ALL_KIND, isKindWanted, quickFixActions, type FindingWithDiagnostic } from './codeActions';
import { DIAGNOSTIC_SOURCE, findingKey, findingToDiagnostic, type FindingReference } from './diagnostics';
import { describeError, guarded } from './guard';
import { NoticeReporter, noticeDiagnostics } from './notices';
import { withIndexingProgress } from './progress';
import { parseReportParams, REPORT_REQUEST, respondWithReport, type ReportResponse } from './report';
import { DiagnosticsPublisher } from './publisher';
import { parseEditorSettings } from './settings';
import { countFindings, updateCounts, STATS_REQUEST, STATUS_NOTIFICATION, type FindingCounts, type StatusParams } from './stats';
import { fileToUri, uriToFile } from './uri';
import { FileEventBatcher, WATCHED_GLOBS, type FileEventBatch } from './watchers';
import type { WorkspaceEditOptions } from './workspaceEdit';

export const RESCAN_COMMAND = 'forkguard.rescan';

/** Selects the typed overload of showXMessage that returns the request's promise (it is one either way). */
const NO_BUTTONS: MessageActionItem[] = [];
/** The diagnostics of every file without findings (never modified). */
const NO_DIAGNOSTICS: Diagnostic[] = [];

/** More changed files than this in one batch (a branch switch): re-scan instead of refreshing each. */
const RESCAN_THRESHOLD = 50;

/** What the server needs from the engine; the real one in production, injectable for tests. */
export interface Engine {
  createWorkspace(options: WorkspaceOptions): Promise<Workspace>;
  analyze(workspace: Workspace, options: { token?: CancellationToken }): Promise<AnalysisResult>;
  /** The doc URL of a rule id, for `codeDescription.href`. */
  ruleDocsUrl(rule: string): string | undefined;
}

/** `initializationOptions` the VS Code client sends. */
export interface ForkGuardInitOptions {
  /** Restricted Mode (untrusted workspace). */
  restricted?: boolean;
  /** The extension's workspace storage folder; the facts cache goes under it. */
  storagePath?: string;
}

interface ClientSupport {
  configurationPull: boolean;
  configurationChangeRegistration: boolean;
  watchedFilesRegistration: boolean;
  documentChanges: boolean;
  workspaceFolders: boolean;
}

function readInitOptions(raw: unknown): ForkGuardInitOptions {
  if (typeof raw !== 'object' || raw === null) return {};
  const source = raw as Record<string, unknown>;
  return {
    restricted: source.restricted === true,
    storagePath: typeof source.storagePath === 'string' ? source.storagePath : undefined,
  };
}

export class ForkGuardSession {
  private workspace: Workspace | undefined;
  private roots: string[] = [];
  private initOptions: ForkGuardInitOptions = {};
  private support: ClientSupport = {
    configurationPull: false,
    configurationChangeRegistration: false,
    watchedFilesRegistration: false,
    documentChanges: false,
    workspaceFolders: false,
  };
  private editorSettings: Partial<ForkGuardConfig> = {};
  private lastFindings: ReadonlyMap<string, Finding[]> = new Map();
  private counts: FindingCounts = { files: 0, findings: 0, byRule: {} };
  /** The URIs of the notices last published as diagnostics. */
  private noticeUris: string[] = [];
  private scanning = false;
  /**
   * The published findings came from the results cache and the program's analysis is being built
   * in the background (so the first edit does not pay for it): the status still says "indexing".
   */
  private warmingUp = false;
  /** Versions of the documents open in the editor, by URI (for versioned workspace edits). */
  private readonly openVersions = new Map<string, number>();
  private readonly diagnosticsByFindings = new WeakMap<Finding[], Diagnostic[]>();
  /** Document events applied in order (closing reads the disk, so it is async). */
  private documentOps: Promise<void> = Promise.resolve();
  private readonly startupDone: Promise<void>;
  private rescans: Promise<unknown> = Promise.resolve();
  private markStartupDone!: () => void;
  private readonly publisher: DiagnosticsPublisher;
  private readonly notices: NoticeReporter;
  private readonly scheduler: AnalysisScheduler;
  private readonly fileEvents: FileEventBatcher;

  constructor(
    private readonly connection: Connection,
    private readonly engine: Engine,
  ) {
    this.startupDone = new Promise((resolve) => (this.markStartupDone = resolve));
    this.publisher = new DiagnosticsPublisher((uri, diagnostics, version) =>
      this.settle('publishing diagnostics', connection.sendDiagnostics({ uri, diagnostics, version })),
    );
    this.notices = new NoticeReporter({
      log: (message) => connection.console.log(message),
      showWarning: (message) => this.settle('showing a warning', connection.window.showWarningMessage(message, ...NO_BUTTONS)),
    });
    this.scheduler = new AnalysisScheduler(
      (token) => this.analyzeAndPublish(token),
      (error) => this.logError('analysis', error),
    );
    this.fileEvents = new FileEventBatcher((batch) => void this.handleFileEvents(batch));
  }

  /** Registers every handler on the connection (call before `connection.listen()`). */
  register(): void {
    const c = this.connection;
    const log = (message: string) => c.console.error(message);
    c.onInitialize((params) => this.initialize(params));
    c.onInitialized(guarded(log, 'initialized', undefined, () => this.start()));
    c.onDidOpenTextDocument(({ textDocument: doc }) =>
      this.documentEvent('didOpen', doc.uri, doc.version, (ws, file) => ws.openDocument(file, doc.text, doc.version)),
    );
    c.onDidChangeTextDocument(({ textDocument: doc, contentChanges }) =>
      this.documentEvent('didChange', doc.uri, doc.version, (ws, file) =>
        ws.changeDocument(file, doc.version, contentChanges.map((change) => ('range' in change ? { range: change.range, text: change.text } : { text: change.text }))),
      ),
    );
    c.onDidCloseTextDocument(({ textDocument: doc }) =>
      this.documentEvent('didClose', doc.uri, undefined, (ws, file) => ws.closeDocument(file)),
    );
    c.onCodeAction(guarded(log, 'codeAction', [] as CodeAction[], (params, token) => this.codeActions(params, token)));
    c.onExecuteCommand(
      guarded(log, 'executeCommand', null, async ({ command }) => (command === RESCAN_COMMAND ? this.rescan() : null)),
    );
    c.onRequest(REPORT_REQUEST, (params: unknown, token: LspCancellationToken) => this.report(params, token));
    c.onRequest(STATS_REQUEST, guarded(log, STATS_REQUEST, this.counts, () => this.counts));
    c.onDidChangeConfiguration(guarded(log, 'didChangeConfiguration', undefined, (params) => this.configurationChanged(params.settings)));
    c.onDidChangeWatchedFiles(({ changes }) => this.fileEvents.add(changes));
    c.onShutdown(() => this.dispose());
  }

  private initialize(params: InitializeParams): InitializeResult {
    const caps = params.capabilities;
    this.support = {
      configurationPull: caps.workspace?.configuration === true,
      configurationChangeRegistration: caps.workspace?.didChangeConfiguration?.dynamicRegistration === true,
      watchedFilesRegistration: caps.workspace?.didChangeWatchedFiles?.dynamicRegistration === true,
      documentChanges: caps.workspace?.workspaceEdit?.documentChanges === true,
      workspaceFolders: caps.workspace?.workspaceFolders === true,
    };
    this.initOptions = readInitOptions(params.initializationOptions);
    const folderUris = params.workspaceFolders?.map((folder) => folder.uri) ?? (params.rootUri ? [params.rootUri] : []);
    this.roots = folderUris.map(uriToFile).filter((file): file is string => file !== undefined);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND], resolveProvider: false },
        executeCommandProvider: { commands: [RESCAN_COMMAND] },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'forkguard' },
    };
  }

  /** After `initialized`: create the workspace, watch files, scan with progress, analyse. */
  private async start(): Promise<void> {
    try {
      await this.registerDynamicCapabilities().catch((error) => this.logError('registering file watchers', error));
      this.editorSettings = await this.fetchSettings().catch((error) => {
        this.logError('reading settings', error);
        return this.editorSettings;
      });
      await this.createWorkspace();
    } finally {
      this.markStartupDone();
    }
    if (this.support.workspaceFolders) {
      this.connection.workspace.onDidChangeWorkspaceFolders(
        guarded((m) => this.connection.console.error(m), 'didChangeWorkspaceFolders', undefined, (event) => this.workspaceFoldersChanged(event)),
      );
    }
    if (this.workspace) await this.rescan();
  }

  private async registerDynamicCapabilities(): Promise<void> {
    const registrations: Promise<unknown>[] = [];
    if (this.support.watchedFilesRegistration) {
      registrations.push(
        this.connection.client.register(DidChangeWatchedFilesNotification.type, {
          watchers: WATCHED_GLOBS.map((globPattern) => ({ globPattern })),
        }),
      );
    }
    if (this.support.configurationChangeRegistration) {
      registrations.push(this.connection.client.register(DidChangeConfigurationNotification.type, { section: 'forkguard' }));
    }
    await Promise.all(registrations);
  }

  private async createWorkspace(): Promise<void> {
    try {
      const workspace = await this.engine.createWorkspace({
        roots: this.roots,
        editorSettings: this.editorSettings,
        cacheDir: this.initOptions.storagePath ? `${this.initOptions.storagePath}/facts-cache` : undefined,
        restricted: this.initOptions.restricted,
        log: (message) => this.connection.console.log(message),
      });
      this.workspace = workspace;
    } catch (error) {
      this.logError('creating the workspace', error);
      this.settle('showing an error', this.connection.window.showErrorMessage(`ForkGuard could not start: ${error instanceof Error ? error.message : String(error)}`, ...NO_BUTTONS));
    }
  }

  private async fetchSettings(): Promise<Partial<ForkGuardConfig>> {
    if (!this.support.configurationPull) return this.editorSettings;
    return this.applySettings(await this.connection.workspace.getConfiguration('forkguard'));
  }

  private applySettings(raw: unknown): Partial<ForkGuardConfig> {
    const { settings, problems } = parseEditorSettings(raw);
    for (const problem of problems) this.connection.console.warn(problem);
    return settings;
  }

  private async configurationChanged(pushed: unknown): Promise<void> {
    await this.startupDone;
    this.editorSettings = this.support.configurationPull
      ? await this.fetchSettings()
      : this.applySettings((pushed as { forkguard?: unknown } | undefined)?.forkguard);
    if (!this.workspace) return;
    this.scheduler.scheduleSoon(); // cancels an analysis of the old configuration
    await this.workspace.reloadConfig(this.editorSettings);
    await this.scheduler.runNow();
  }

  private async workspaceFoldersChanged(event: { added: { uri: string }[]; removed: { uri: string }[] }): Promise<void> {
    const removed = new Set(event.removed.map((folder) => uriToFile(folder.uri)));
    const added = event.added.map((folder) => uriToFile(folder.uri)).filter((file): file is string => file !== undefined);
    this.roots = [...this.roots.filter((root) => !removed.has(root)), ...added];
    this.scheduler.scheduleSoon();
    await this.documentOps;
    // The new workspace knows nothing of the documents open in the editor: hand them over again.
    const openDocuments = [...this.openVersions].flatMap(([uri, version]) => {
      const file = uriToFile(uri);
      const text = file ? this.workspace?.text(file) : undefined;
      return file && text !== undefined ? [{ file, text, version }] : [];
    });
    await this.createWorkspace();
    const workspace = this.workspace;
    if (!workspace) return;
    for (const { file, text, version } of openDocuments) workspace.openDocument(file, text, version);
    await this.rescan();
  }

  private documentEvent(what: string, uri: string, version: number | undefined, apply: (workspace: Workspace, file: string) => void | Promise<void>): void {
    const file = uriToFile(uri);
    if (!file) return;
    if (version === undefined) this.openVersions.delete(uri);
    else this.openVersions.set(uri, version);
    this.scheduler.scheduleSoon();
    this.documentOps = this.documentOps
      .then(() => this.startupDone)
      .then(async () => {
        if (!this.workspace) return;
        await apply(this.workspace, file);
      })
      .catch((error) => this.logError(what, error));
  }

  /**
   * Re-scans every file (start-up, the rescan command, many files changed on disk) and analyses.
   * Rescans run one after another: two scans of one workspace at once would cancel each other's
   * analysis, and the later caller would read the counts of neither.
   */
  private rescan(): Promise<FindingCounts> {
    const next = this.rescans.then(() => this.rescanNow());
    this.rescans = next.catch(() => undefined);
    return next;
  }

  private async rescanNow(): Promise<FindingCounts> {
    await this.startupDone;
    const workspace = this.workspace;
    if (!workspace) return this.counts;
    this.scheduler.scheduleSoon(); // an analysis started before the scan would be stale
    this.scanning = true;
    this.sendStatus();
    try {
      await withIndexingProgress(this.connection, (onProgress) => workspace.scan({ onProgress }));
    } finally {
      this.scanning = false;
    }
    await this.scheduler.runNow();
    return this.counts;
  }

  private async handleFileEvents(batch: FileEventBatch): Promise<void> {
    try {
      await this.startupDone;
      const workspace = this.workspace;
      if (!workspace) return;
      if (batch.configChanged) {
        this.scheduler.scheduleSoon();
        await workspace.reloadConfig(this.editorSettings);
        await this.rescan(); // excludes or .gitignore may have changed what is scanned
        return;
      }
      if (batch.changed.length > RESCAN_THRESHOLD) {
        for (const file of batch.deleted) workspace.removeFile(file);
        await this.rescan();
        return;
      }
      this.scheduler.scheduleSoon();
      for (const file of batch.deleted) workspace.removeFile(file);
      for (const file of batch.changed) {
        // The editor owns the text of an open document; the disk copy is not what the user sees.
        if (!this.openVersions.has(fileToUri(file))) await workspace.refreshFile(file);
      }
      await this.scheduler.runNow();
    } catch (error) {
      this.logError('file events', error);
    }
  }

  private async analyzeAndPublish(token: CancellationToken): Promise<void> {
    await this.documentOps;
    const workspace = this.workspace;
    if (!workspace || this.scanning || token.isCancellationRequested) return;
    let result: AnalysisResult;
    try {
      result = await this.engine.analyze(workspace, { token });
    } catch (error) {
      if (token.isCancellationRequested) return; // the engine may throw when it notices the cancellation
      throw error;
    }
    if (token.isCancellationRequested) return;
    this.warmingUp = result.stats.fromResultsCache === true;
    this.publish(result);
    if (this.warmingUp) {
      this.connection.console.log(`findings of ${result.stats.files} files from the results cache (nothing changed since they were stored); analysing in the background`);
      this.scheduler.scheduleSoon();
    }
  }

  private publish(result: AnalysisResult): void {
    // The engine says which files changed when it updated the result this session last published.
    const changes = result.changes?.since === this.lastFindings ? result.changes : undefined;
    this.counts = changes ? updateCounts(this.counts, this.lastFindings, result.findings, changes.files) : countFindings(result.findings);
    this.lastFindings = result.findings;
    const notices = noticeDiagnostics(result.notices);
    this.notices.report(result.notices);
    // Open documents get every analysed version published (the version the engine analysed).
    const versionOf = (uri: string): number | undefined => {
      // Asked for every file sent: only a document the client opened has a version.
      const file = this.openVersions.has(uri) ? uriToFile(uri) : undefined;
      return file === undefined ? undefined : this.workspace?.documentVersion(file);
    };
    const diagnostics = new Map<string, Diagnostic[]>();
    const add = (uri: string, file: string | undefined): void => {
      const findings = file === undefined ? undefined : result.findings.get(file);
      const own = findings === undefined ? NO_DIAGNOSTICS : this.diagnosticsOf(findings);
      const noticeList = notices.get(uri);
      diagnostics.set(uri, noticeList ? [...own, ...noticeList] : own);
    };
    if (changes) {
      // After an edit, a few files of thousands: the ones whose findings changed, those with
      // notices then or now, and the open documents.
      for (const file of changes.files) add(fileToUri(file), file);
      for (const uri of [...this.noticeUris, ...notices.keys()]) if (!diagnostics.has(uri)) add(uri, uriToFile(uri));
      for (const uri of this.openVersions.keys()) {
        const file = uriToFile(uri);
        if (!diagnostics.has(uri) && file !== undefined && result.findings.has(file)) add(uri, file);
      }
      this.publisher.update(diagnostics, versionOf);
    } else {
      for (const file of result.findings.keys()) add(fileToUri(file), file);
      for (const uri of notices.keys()) if (!diagnostics.has(uri)) add(uri, undefined);
      this.publisher.publish(diagnostics, versionOf);
    }
    this.noticeUris = [...notices.keys()];
    this.sendStatus();
  }

  /**
   * The diagnostics of a file's findings. An analysis returns the same findings array for a file
   * whose findings did not change (engine/file-findings.ts): its diagnostics are reused, so an edit
   * converts only the findings that changed.
   */
  private diagnosticsOf(findings: Finding[]): Diagnostic[] {
    if (findings.length === 0) return NO_DIAGNOSTICS;
    let diagnostics = this.diagnosticsByFindings.get(findings);
    if (!diagnostics) {
      diagnostics = findings.map((finding) => findingToDiagnostic(finding, this.engine.ruleDocsUrl));
      this.diagnosticsByFindings.set(findings, diagnostics);
    }
    return diagnostics;
  }

  private sendStatus(): void {
    const status: StatusParams = { ...this.counts, scanning: this.scanning || this.warmingUp };
    this.settle('sending the status', this.connection.sendNotification(STATUS_NOTIFICATION, status));
  }

  private async codeActions(params: CodeActionParams, token: LspCancellationToken): Promise<CodeAction[]> {
    const file = uriToFile(params.textDocument.uri);
    if (!file) return [];
    const only = params.context.only;
    const wantQuickFixes = isKindWanted(CodeActionKind.QuickFix, only);
    const wantFixAll = isKindWanted(FIX_ALL_KIND, only);
    if (!wantQuickFixes && !wantFixAll) return [];
    // Fix edits are only right for the text they were computed on: wait for the pending analysis.
    await Promise.race([this.scheduler.idle(), new Promise<void>((resolve) => token.onCancellationRequested(resolve))]);
    if (token.isCancellationRequested) return [];

    const findings = this.lastFindings.get(file) ?? [];
    const editOptions: WorkspaceEditOptions = {
      documentChanges: this.support.documentChanges,
      versionOf: (uri) => this.openVersions.get(uri) ?? null,
    };
    const actions: CodeAction[] = [];
    if (wantQuickFixes) actions.push(...quickFixActions(this.pairWithDiagnostics(findings, params.context.diagnostics), params.range, editOptions));
    if (wantFixAll) {
      const fixAll = fixAllAction(findings, editOptions);
      if (fixAll) actions.push(fixAll);
    }
    return actions;
  }

  /** Each finding with the client's diagnostic for it when the request carries one (else a fresh one). */
  private pairWithDiagnostics(findings: Finding[], sent: Diagnostic[]): FindingWithDiagnostic[] {
    const byKey = new Map<string, Diagnostic>();
    for (const diagnostic of sent) {
      const key = (diagnostic.data as Partial<FindingReference> | undefined)?.findingKey;
      if (diagnostic.source === DIAGNOSTIC_SOURCE && typeof key === 'string') byKey.set(key, diagnostic);
    }
    return findings.map((finding) => {
      const key = findingKey(finding);
      return { finding, diagnostic: byKey.get(key) ?? findingToDiagnostic(finding, this.engine.ruleDocsUrl) };
    });
  }

  /** `forkguard/report`: after start-up and any pending analysis, the report of the current state. */
  private async report(rawParams: unknown, token: LspCancellationToken): Promise<ReportResponse> {
    const params = parseReportParams(rawParams);
    await this.startupDone;
    await Promise.race([this.scheduler.idle(), new Promise<void>((resolve) => token.onCancellationRequested(resolve))]);
    const workspace = this.workspace;
    if (!workspace) throw new Error('the ForkGuard workspace is not ready (see the ForkGuard output)');
    return respondWithReport(workspace, (analysisToken) => this.engine.analyze(workspace, { token: analysisToken }), params, token);
  }

  /** Messages to the client may fail (the client declines, the connection closes): log, never throw. */
  private settle(what: string, sent: PromiseLike<unknown>): void {
    sent.then(undefined, (error: unknown) => this.logError(what, error));
  }

  private logError(what: string, error: unknown): void {
    this.connection.console.error(`${what} failed: ${describeError(error)}`);
  }

  private dispose(): void {
    this.scheduler.dispose();
    this.fileEvents.dispose();
  }
}
