// Command-line arguments of `keras-lint check`, parsed strictly: a typo is a usage error (exit 2),
// never a silently different check.
import { isRuleId } from '../core/catalog';
import { FLAVOURS, type FlavourSetting, type RuleId } from '../core/types';

export class UsageError extends Error {}

export const USAGE = `Usage: keras-lint <command> [options]

Commands:
  check [PATHS...]        Check .py files and .ipynb notebooks (files or folders; default: .)
  rule KL001 | --all      Print a rule's documentation
  server --stdio          Start the language server (for editors)

Options of check:
  --format text|json|sarif   Output format (default: text); also --output-format
  --output-file PATH         Write the report to PATH instead of standard output
  --select KL001,KL002       Check only these rules (replaces [tool.keras-lint] select)
  --ignore KL013             Never report these rules (added to [tool.keras-lint] ignore)
  --keras-version FLAVOUR    auto, keras1, keras2, tf-keras2 or keras3 (default: auto)
  --fix                      Apply the preferred safe fix of each problem, in place
  --exit-zero                Exit 0 even when problems are found
  --concurrency N|auto|off   Threads that check files (default: auto, one per core when
                             there is enough to check)
  --verbose, -v              Say how many files were checked, how fast, on how many threads (and whether from the code cache)

Exit status: 0 no problems, 1 problems found or a file could not be checked, 2 usage error or an unwritable report.
Settings are also read from [tool.keras-lint] in the nearest pyproject.toml.
`;

export interface CheckArgs {
  paths: string[];
  format: 'text' | 'json' | 'sarif';
  outputFile: string | null;
  select: RuleId[] | undefined;
  ignore: RuleId[];
  kerasVersion: FlavourSetting | undefined;
  fix: boolean;
  exitZero: boolean;
  /** Threads checking files: a number, or 'auto' (decided from the cores and the input size). */
  concurrency: number | 'auto';
  verbose: boolean;
}

export function parseCheckArgs(argv: readonly string[]): CheckArgs {
  const args: CheckArgs = { paths: [], format: 'text', outputFile: null, select: undefined, ignore: [], kerasVersion: undefined, fix: false, exitZero: false, concurrency: 'auto', verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('-') || arg === '-') {
      args.paths.push(arg);
      continue;
    }
    if (arg === '--') {
      args.paths.push(...argv.slice(i + 1));
      break;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      if (eq > 0) return arg.slice(eq + 1);
      const next = argv[++i];
      if (next === undefined) throw new UsageError(`${name} needs a value`);
      return next;
    };
    switch (name) {
      case '--format':
      case '--output-format': {
        const format = value();
        if (format !== 'text' && format !== 'json' && format !== 'sarif') throw new UsageError(`unknown format '${format}' (text, json or sarif)`);
        args.format = format;
        break;
      }
      case '--output-file':
      case '-o':
        args.outputFile = value();
        break;
      case '--select':
        args.select = [...(args.select ?? []), ...ruleIds(value())];
        break;
      case '--ignore':
        args.ignore.push(...ruleIds(value()));
        break;
      case '--keras-version': {
        const flavour = value();
        if (flavour !== 'auto' && !(FLAVOURS as readonly string[]).includes(flavour)) throw new UsageError(`unknown Keras flavour '${flavour}' (auto, keras1, keras2, tf-keras2 or keras3)`);
        args.kerasVersion = flavour as FlavourSetting;
        break;
      }
      case '--fix':
        args.fix = true;
        break;
      case '--exit-zero':
        args.exitZero = true;
        break;
      case '--verbose':
      case '-v':
        args.verbose = true;
        break;
      case '--concurrency': {
        const threads = value();
        if (threads === 'auto' || threads === 'off') args.concurrency = threads === 'off' ? 1 : 'auto';
        else if (/^[1-9]\d{0,2}$/.test(threads)) args.concurrency = Number(threads);
        else throw new UsageError(`--concurrency takes a number of threads, auto or off (not '${threads}')`);
        break;
      }
      default:
        throw new UsageError(`unknown option '${name}'`);
    }
  }
  return args;
}

function ruleIds(list: string): RuleId[] {
  return list.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean).map((id) => {
    if (!isRuleId(id)) throw new UsageError(`unknown rule '${id}' (KL001 to KL015)`);
    return id;
  });
}
