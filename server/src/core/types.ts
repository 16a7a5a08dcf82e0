// The analysis core's public shapes. Everything here is editor-agnostic: positions are UTF-16
// offsets into the analysed text (what tree-sitter reports and what LSP's TextDocument uses), and
// the CLI and the language server convert them to rows/columns or LSP ranges themselves.

export const RULE_IDS = [
  'KL001', 'KL002', 'KL003', 'KL004', 'KL005', 'KL006', 'KL007', 'KL008',
  'KL009', 'KL010', 'KL011', 'KL012', 'KL013', 'KL014', 'KL015',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

export type Severity = 'error' | 'warning' | 'info' | 'hint';

/** The Keras flavours of rules.md: what 'accuracy', positional Dense args and losses mean. */
export const FLAVOURS = ['keras1', 'keras2', 'tf-keras2', 'keras3', 'unknown'] as const;
export type Flavour = (typeof FLAVOURS)[number];
/** A flavour setting: 'auto' means "work it out from the workspace and the code". */
export type FlavourSetting = Flavour | 'auto';

/** A half-open range [start, end) of UTF-16 offsets into the analysed text. */
export interface Span {
  start: number;
  end: number;
}

export interface TextEdit extends Span {
  newText: string;
}

export interface Fix {
  /** Imperative, names the change: "Replace 'binary_crossentropy' with 'categorical_crossentropy'". */
  title: string;
  edits: TextEdit[];
  /** The fix a "fix all" applies; at most one per finding, and it comes first. */
  preferred: boolean;
  /** 'safe' fixes keep the program's meaning apart from the mistake; --fix applies only those. */
  applicability: 'safe' | 'unsafe';
}

export interface RelatedInfo {
  span: Span;
  message: string;
}

export interface Finding {
  ruleId: RuleId;
  severity: Severity;
  message: string;
  span: Span;
  related: RelatedInfo[];
  /** Preferred fix first. */
  fixes: Fix[];
  /** The rule's documentation page. */
  url: string;
}

/** Where the detected flavour came from, for the compile hover. */
export interface FlavourInfo {
  flavour: Flavour;
  source: 'setting' | 'workspace' | 'code' | 'none';
  /** Human-readable evidence, e.g. "requirements.txt pins tensorflow==2.3.0", "uses keras.ops". */
  evidence: string[];
  /** tf.compat.v1.disable_eager_execution() / disable_v2_behavior(): old loss-based 'accuracy'. */
  legacyGraphMode: boolean;
  /** Pinned versions that all read metric names case-insensitively ('Accuracy' as 'accuracy': tf.keras >= 2.6). */
  lowercasesMetricNames?: boolean;
}

/** A workspace pin found by the caller (CLI or server) in requirements*.txt, pyproject.toml, ... */
export interface WorkspacePins {
  flavour: Flavour;
  evidence: string[];
  /** Every pin selects a Keras that reads 'Accuracy' as 'accuracy' (tf.keras and Keras >= 2.6, tf_keras, Keras 3). */
  lowercasesMetricNames?: boolean;
}

export interface AnalysisOptions {
  /** The user's flavour setting; 'auto' (default) uses pins, then the code. */
  flavour?: FlavourSetting;
  /** Flavour evidence from the workspace's dependency files, if the caller found any. */
  workspacePins?: WorkspacePins | null;
  /** Only these rules (default: all). */
  select?: RuleId[];
  /** Never these rules. */
  ignore?: RuleId[];
  /** Severity overrides per rule. */
  severity?: Partial<Record<RuleId, Severity>>;
}

/** The inferred training contract of one compile call (shown on hover over `compile(`). */
export interface TrainingContract {
  /** The `compile` callee (the `compile` identifier), for hover lookup. */
  span: Span;
  heads: HeadSummary[];
  loss: string | null;
  fromLogits: boolean | null;
  labels: LabelSummary | null;
  /** What 'accuracy'/'acc' will be computed as, per output, when the file asks for it. */
  accuracy: string | null;
  flavour: FlavourInfo;
}

export interface HeadSummary {
  name: string | null;
  units: number | null;
  activation: string | null;
  /** Where the head's layer is (for "line N"). */
  span: Span | null;
}

export interface LabelSummary {
  format: 'int' | 'onehot' | 'binary' | 'multihot' | 'continuous' | 'unknown';
  classes: number | null;
  origin: string;
  span: Span | null;
}

/** An `'accuracy'`/`'acc'` metric and what Keras will compute for it (inlay hint). */
export interface AccuracyHint {
  span: Span;
  resolvesTo: string;
}

export interface AnalysisResult {
  findings: Finding[];
  contracts: TrainingContract[];
  accuracyHints: AccuracyHint[];
  flavour: FlavourInfo;
  /** True when tree-sitter found syntax errors (analysis still ran on what parsed). */
  hasSyntaxErrors: boolean;
}
