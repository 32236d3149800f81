/**
 * The report webview, opened beside the editor. The page comes from the server with a CSP that
 * allows only the nonce'd style and script; scripts are enabled for that one script, which posts
 * `{type: 'reveal', file, line, character}` when a location link is clicked.
 */
import * as vscode from 'vscode';

export const REPORT_VIEW_TYPE = 'forkguard.report';

/** A reveal request from the page, checked (the page shows workspace text, so trust nothing). */
export function parseRevealMessage(message: unknown): { file: string; line: number; character: number } | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const { type, file, line, character } = message as Record<string, unknown>;
  if (type !== 'reveal' || typeof file !== 'string' || file === '') return undefined;
  if (typeof line !== 'number' || !Number.isInteger(line) || line < 0) return undefined;
  const column = typeof character === 'number' && Number.isInteger(character) && character >= 0 ? character : 0;
  return { file, line, character: column };
}

export class ReportPanel {
  private static current: ReportPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  private constructor(private readonly panel: vscode.WebviewPanel) {
    panel.onDidDispose(() => this.dispose(), undefined, this.disposables);
    panel.webview.onDidReceiveMessage((message: unknown) => void this.reveal(message), undefined, this.disposables);
  }

  /** Shows the report in the existing panel, or a new one beside the active editor. */
  static show(extensionUri: vscode.Uri, html: string): void {
    if (!ReportPanel.current) {
      const panel = vscode.window.createWebviewPanel(REPORT_VIEW_TYPE, 'ForkGuard Migration Report', vscode.ViewColumn.Beside, {
        enableScripts: true,
        localResourceRoots: [extensionUri],
        retainContextWhenHidden: false,
      });
      ReportPanel.current = new ReportPanel(panel);
    }
    ReportPanel.current.panel.webview.html = html;
    ReportPanel.current.panel.reveal(vscode.ViewColumn.Beside);
  }

  private async reveal(message: unknown): Promise<void> {
    const location = parseRevealMessage(message);
    if (!location) return;
    const position = new vscode.Position(location.line, location.character);
    try {
      await vscode.window.showTextDocument(vscode.Uri.file(location.file), { viewColumn: vscode.ViewColumn.One, selection: new vscode.Range(position, position) });
    } catch (error) {
      void vscode.window.showErrorMessage(`ForkGuard could not open ${location.file}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private dispose(): void {
    ReportPanel.current = undefined;
    for (const disposable of this.disposables) disposable.dispose();
  }
}
