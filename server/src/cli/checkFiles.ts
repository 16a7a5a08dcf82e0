// Checks (and with --fix, fixes) the files of one `keras-lint check` run: one outcome per file, a
// file that cannot be read or parsed becoming an error outcome instead of stopping the run.
import type { OtherPart } from '../core/splitParse';
import type { AnalysisOptions } from '../core/types';
import { fixSource, sourceText, writeAtomically } from './fix';
import { checkSource, readSource, SourceError, type LocatedFinding } from './source';

/** What checking one file gave. */
export type FileOutcome =
  | { kind: 'checked'; findings: LocatedFinding[]; hasSyntaxErrors: boolean; fixed: number }
  | { kind: 'error'; reason: string };

export interface FileTask {
  path: string;
  options: AnalysisOptions;
  fix: boolean;
}

/** `split`: see checkSource. */
export function checkFile(task: FileTask, split?: (text: string) => OtherPart | undefined): FileOutcome {
  try {
    let source = readSource(task.path);
    let fixed = 0;
    if (task.fix) {
      const outcome = fixSource(source, task.options);
      if (outcome.fixed) {
        writeAtomically(task.path, sourceText(outcome.fixed));
        source = outcome.fixed;
        fixed = outcome.applied;
      }
    }
    const checked = checkSource(source, task.options, split);
    return { kind: 'checked', findings: checked.findings, hasSyntaxErrors: checked.hasSyntaxErrors, fixed };
  } catch (error) {
    if (!(error instanceof SourceError) && !isFsError(error)) throw error;
    return { kind: 'error', reason: error instanceof SourceError ? error.message : `cannot write: ${(error as NodeJS.ErrnoException).code}` };
  }
}

/** Checks every task in order, on this thread (parallel.ts spreads them over threads); initParser() must have resolved. */
export function checkFiles(tasks: FileTask[], split?: (text: string) => OtherPart | undefined): FileOutcome[] {
  return tasks.map((task) => checkFile(task, split));
}

function isFsError(error: unknown): boolean {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
}
