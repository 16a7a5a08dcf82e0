// Which Keras a file is written for (rules.md "Version aware"): the user's setting first, then
// versions pinned in the workspace, then what the code itself uses. The flavour decides what
// 'accuracy' resolves to (KL001), what 'Accuracy' means (KL011) and which fixes are offered.
import type { Flavour, FlavourInfo, FlavourSetting, WorkspacePins } from './types';

/** The flavour one pinned requirement implies, or null when the pin spans flavours or names no Keras. */
export function flavourOfRequirement(pkg: string, spec: string): Flavour | null {
  const requirement = kerasRequirement(pkg, spec);
  if (!requirement) return null;
  if (requirement.name === 'tf-keras') return 'tf-keras2';
  if (!requirement.versions) return null;
  const flavours = new Set(requirement.versions.map((v) => (requirement.name === 'keras' ? kerasFlavour(v) : tensorflowFlavour(v))));
  return flavours.size === 1 ? [...flavours][0] : null;
}

/**
 * Whether every version a pinned requirement can select reads metric names case-insensitively:
 * 'Accuracy' became 'accuracy' in tf.keras 2.6 (and Keras 2.6, its alias); tf_keras starts at 2.14.
 */
export function lowercasesMetricNames(pkg: string, spec: string): boolean {
  const requirement = kerasRequirement(pkg, spec);
  if (requirement?.name === 'tf-keras') return true;
  return !!requirement?.versions && requirement.versions.every(([major, minor]) => major > 2 || (major === 2 && minor >= 6));
}

/** A requirement on Keras, tf_keras or TensorFlow: its normalised name and the versions it can select (null: not pinned); null for any other package. */
function kerasRequirement(pkg: string, spec: string): { name: string; versions: Version[] | null } | null {
  const name = pkg.toLowerCase().replace(/[-_.]+/g, '-');
  if (name !== 'tf-keras' && name !== 'keras' && !TENSORFLOW_PACKAGES.has(name)) return null;
  return { name, versions: pinnedVersions(spec) };
}

const TENSORFLOW_PACKAGES = new Set(['tensorflow', 'tensorflow-gpu', 'tensorflow-cpu', 'tensorflow-macos', 'tensorflow-intel', 'tf-nightly']);

type Version = [number, number];

/**
 * The versions a specifier can select, as the bounds that matter: `==2.3.1`, `==2.3.*`, `~=2.3`,
 * `>=2.2,<2.4`. A lower bound alone reaches every later version: `>=2.2` spans flavours (it may
 * install Keras 3) and pins nothing, `keras>=3.0` or `tensorflow>=2.16` can only be Keras 3.
 */
function pinnedVersions(spec: string): Version[] | null {
  const clauses = spec.split(',').map((c) => c.trim()).filter(Boolean);
  let low: Version | null = null;
  let high: Version | null = null;
  for (const clause of clauses) {
    const m = /^(===|==|~=|>=|<=|>|<|=)?\s*v?(\d+)(?:\.(\d+|\*))?(\.\d+)?/.exec(clause);
    if (!m) continue;
    const op = m[1] ?? '==';
    const major = Number(m[2]);
    const minor = m[3] === undefined || m[3] === '*' ? null : Number(m[3]);
    if (op === '==' || op === '===' || op === '=') {
      if (minor === null) return [[major, 0], [major, 99]];
      return [[major, minor]];
    }
    // ~=2.3 allows any 2.x from 2.3; ~=2.3.1 only 2.3.x.
    if (op === '~=') return minor === null ? null : m[4] ? [[major, minor]] : [[major, minor], [major, 99]];
    if (op === '>=' || op === '>') low = [major, minor ?? 0];
    if (op === '<' || op === '<=') high = op === '<' && (minor ?? 0) > 0 ? [major, (minor ?? 0) - 1] : op === '<' ? [major - 1, 99] : [major, minor ?? 99];
  }
  return low ? [low, high ?? [99, 99]] : null;
}

function kerasFlavour([major, minor]: Version): Flavour {
  if (major <= 1) return 'keras1';
  if (major >= 3) return 'keras3';
  // Keras 2.4+ is a thin alias of tf.keras, so it follows TF 2.2+'s shape-based rules.
  return minor <= 3 ? 'keras2' : 'tf-keras2';
}

function tensorflowFlavour([major, minor]: Version): Flavour {
  if (major <= 1) return 'keras2';
  if (major >= 3) return 'keras3';
  if (minor <= 1) return 'keras2';
  return minor <= 15 ? 'tf-keras2' : 'keras3';
}

/** Combines the pins found in a workspace; disagreeing pins pin nothing (the code decides). */
export function combinePins(found: { flavour: Flavour; evidence: string; lowercasesMetricNames?: boolean }[]): WorkspacePins | null {
  if (found.length === 0) return null;
  // A standalone keras pin says what `import keras` is; tf-keras says tf.keras is Keras 2.
  const flavours = new Set(found.map((f) => f.flavour));
  if (flavours.size !== 1) return null;
  return { flavour: found[0].flavour, evidence: found.map((f) => f.evidence), lowercasesMetricNames: found.every((f) => f.lowercasesMetricNames === true) };
}

interface CodeEvidence {
  flavour: Flavour;
  evidence: string[];
  legacyGraphMode: boolean;
}

// Signals in the code, each a pattern over source text with comments removed. Keras 1 names
// disappeared in Keras 2; keras.ops, keras.config, the KERAS_BACKEND switch and keras_hub exist only
// in Keras 3; tf_keras is Keras 2 kept alive for TF 2.16+.
const KERAS1_SIGNALS: [RegExp, string][] = [
  [/\bnb_epoch\s*=/, 'uses nb_epoch='],
  [/\bnb_filter\s*=/, 'uses nb_filter='],
  [/\bborder_mode\s*=/, 'uses border_mode='],
  [/\bConvolution[123]D\b/, 'uses Convolution2D'],
  // Embedding(output_dim=) is Keras 2 and 3 as well: only the layers that renamed it to units count.
  [/\b(?:Dense|LSTM|GRU|SimpleRNN|TimeDistributedDense|MaxoutDense|Highway)\([^)]*\boutput_dim\s*=/, 'uses output_dim='],
  [/\bDense\([^)]*\binit\s*=/, 'uses Dense(init=)'],
  [/\bfrom\s+keras\.layers\.core\s+import\b/, 'imports keras.layers.core'],
];
// The only signal that lives inside string literals; every other one is matched with strings blanked.
// `_env_KERAS_BACKEND=jax` is a notebook's `%env KERAS_BACKEND=jax` (notebook.ts).
const KERAS_BACKEND_SIGNAL = /KERAS_BACKEND["']\s*\]\s*=\s*["'](?:jax|torch|numpy)["']|\b_+env_KERAS_BACKEND\s*=\s*(?:jax|torch|numpy)\b/;
const KERAS3_SIGNALS: [RegExp, string][] = [
  [/\bkeras\.ops\b|\bfrom\s+keras\s+import\s+[^\n]*\bops\b/, 'uses keras.ops'],
  [/\bkeras\.config\b/, 'uses keras.config'],
  [/\b(?:import|from)\s+keras_(?:hub|nlp|cv)\b/, 'imports keras_hub/keras_nlp/keras_cv'],
  [KERAS_BACKEND_SIGNAL, 'sets KERAS_BACKEND to a non-TensorFlow backend'],
];
const TF_KERAS_SIGNAL = /\b(?:import|from)\s+tf_keras\b/;
/**
 * `os.environ["TF_USE_LEGACY_KERAS"] = "1"` (or setdefault, putenv, a notebook's %env): tf.keras is
 * tf_keras on TF 2.16+. Not a read. The values TF takes, as it compares them: "1", "true", "True".
 * Case-sensitive like ANY_SIGNAL, which holds it: with an `i` flag here, "True" passed this and not
 * that, and was no evidence.
 */
const LEGACY_KERAS_SIGNAL = /\[\s*["']TF_USE_LEGACY_KERAS["']\s*\]\s*=\s*["'](?:1|[Tt]rue)["']|\b(?:setdefault|putenv)\s*\(\s*["']TF_USE_LEGACY_KERAS["']\s*,\s*["'](?:1|[Tt]rue)["']|\b_+env_TF_USE_LEGACY_KERAS\s*=\s*(?:1|[Tt]rue)\b/;
const LEGACY_GRAPH_SIGNAL = /\b(?:disable_eager_execution|disable_v2_behavior)\s*\(/;

/** The flavour the code itself reveals (and whether it switches tf.keras back to graph mode). */
/** Any of the signals above: one pass tells a file without any (most files) from the others. */
const ANY_SIGNAL = new RegExp([...KERAS1_SIGNALS, ...KERAS3_SIGNALS].map(([re]) => re.source).concat(TF_KERAS_SIGNAL.source, LEGACY_KERAS_SIGNAL.source, LEGACY_GRAPH_SIGNAL.source).join('|'));

export function flavourFromCode(raw: string): CodeEvidence {
  if (!ANY_SIGNAL.test(raw)) return { flavour: 'unknown', evidence: [], legacyGraphMode: false };
  // Stripping comments and strings costs a pass over the file: only done to confirm a signal the
  // raw text already shows (most files show none).
  let uncommented: string | null = null;
  let codeOnly: string | null = null;
  const matches = (re: RegExp): boolean =>
    re.test(raw) && re.test(re === KERAS_BACKEND_SIGNAL || re === LEGACY_KERAS_SIGNAL ? (uncommented ??= evidenceText(raw, false)) : (codeOnly ??= evidenceText(raw, true)));
  const legacyGraphMode = matches(LEGACY_GRAPH_SIGNAL);
  const found = (signals: [RegExp, string][]): string[] => signals.filter(([re]) => matches(re)).map(([, what]) => what);
  const keras3 = found(KERAS3_SIGNALS);
  const keras1 = found(KERAS1_SIGNALS);
  const legacyNote = legacyGraphMode ? ['disables eager execution (loss-based accuracy)'] : [];
  // Contradictory signals (a Keras 1 tutorial pasted into a Keras 3 notebook) decide nothing.
  if (keras3.length && !keras1.length) return { flavour: 'keras3', evidence: [...keras3, ...legacyNote], legacyGraphMode };
  if (keras1.length && !keras3.length) return { flavour: 'keras1', evidence: [...keras1, ...legacyNote], legacyGraphMode };
  if (!keras1.length && !keras3.length) {
    const tfKeras = [...(matches(TF_KERAS_SIGNAL) ? ['imports tf_keras'] : []), ...(matches(LEGACY_KERAS_SIGNAL) ? ['sets TF_USE_LEGACY_KERAS=1'] : [])];
    if (tfKeras.length) return { flavour: 'tf-keras2', evidence: [...tfKeras, ...legacyNote], legacyGraphMode };
  }
  return { flavour: 'unknown', evidence: legacyNote, legacyGraphMode };
}

/** Setting > workspace pins > code. Graph mode is read from the code whatever decided the flavour. */
export function resolveFlavour(setting: FlavourSetting | undefined, pins: WorkspacePins | null, text: string): FlavourInfo {
  const code = flavourFromCode(text);
  const legacyGraphMode = code.legacyGraphMode;
  if (setting && setting !== 'auto') return { flavour: setting, source: 'setting', evidence: ['keras-lint flavour setting'], legacyGraphMode };
  if (pins && pins.flavour !== 'unknown') return { flavour: pins.flavour, source: 'workspace', evidence: pins.evidence, legacyGraphMode, lowercasesMetricNames: pins.lowercasesMetricNames === true };
  // The code shows tf-keras2 only by tf_keras or TF_USE_LEGACY_KERAS, both from TF 2.14 on: 'Accuracy' reads as 'accuracy' there.
  if (code.flavour !== 'unknown') return { flavour: code.flavour, source: 'code', evidence: code.evidence, legacyGraphMode, lowercasesMetricNames: code.flavour === 'tf-keras2' };
  return { flavour: 'unknown', source: 'none', evidence: code.evidence, legacyGraphMode };
}

/**
 * Drops `#` comments so a commented-out `nb_epoch=` is not evidence; with `blankStrings`, string
 * contents too (a printed "nb_epoch=3" is not code). Triple-quoted strings are handled as runs of
 * one-line strings, which is enough for evidence.
 */
function evidenceText(text: string, blankStrings: boolean): string {
  if (!text.includes('#') && !blankStrings) return text;
  return text.replace(/("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')|#[^\n]*/g, (match, str: string | undefined) => (str === undefined ? '' : blankStrings ? `${str[0]}${str[0]}` : str));
}
