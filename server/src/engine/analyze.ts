/**
 * analyze: runs every enabled rule over the workspace's program model and returns findings per
 * file, after severities and suppressions. CONTRACT ONLY for now (the lead is implementing it).
 */
import type { CancellationToken } from '../model';
import type { AnalysisResult } from './api';
import type { Workspace } from './workspace';

export async function analyze(workspace: Workspace, options: { token?: CancellationToken } = {}): Promise<AnalysisResult> {
  throw new Error('not implemented yet');
}
