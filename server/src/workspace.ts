// What the file system says about a checked file: the Keras/TensorFlow versions pinned by its
// project (requirements*.txt, pyproject.toml, setup.cfg, Pipfile, environment.yml) and the
// `[tool.keras-lint]` table of its pyproject.toml. Shared by the CLI and the language server; the
// analysis core never touches the disk.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { combinePins, flavourOfRequirement, lowercasesMetricNames } from './core/flavour';
import { isRuleId } from './core/catalog';
import { FLAVOURS, type Flavour, type FlavourSetting, type RuleId, type Severity, type WorkspacePins } from './core/types';

/** The `[tool.keras-lint]` keys, the same as the VS Code settings `keras-lint.*`. */
export interface ProjectConfig {
  enable?: boolean;
  select?: RuleId[];
  ignore?: RuleId[];
  severity?: Partial<Record<RuleId, Severity>>;
  kerasVersion?: FlavourSetting;
  inlayHints?: boolean;
  /** Extra path globs (relative to the pyproject.toml) the CLI skips. */
  exclude?: string[];
}

export interface LoadedConfig {
  config: ProjectConfig;
  /** The pyproject.toml it came from, or null. */
  path: string | null;
  /** Unknown keys, bad values: reported, never fatal. */
  problems: string[];
}

const DEPENDENCY_FILES = /^(requirements[\w.-]*\.(txt|in)|pyproject\.toml|setup\.cfg|Pipfile|environment\.ya?ml)$/i;

// Keyed by the checked file's folder: every file of a folder shares its project, so the walk up the
// parent folders happens once per folder, not once per file (or per keystroke).
const pinsCache = new Map<string, WorkspacePins | null>();
/** By project folder: folders of one project share its pins. */
const projectPinsCache = new Map<string, WorkspacePins | null>();
const configCache = new Map<string, LoadedConfig>();
/** Every dependency file the cached pins were read from, included ones too (what a change must clear the caches for). */
const filesRead = new Set<string>();

/** Forget cached pins and configs (a dependency file or pyproject.toml changed). */
export function clearWorkspaceCaches(): void {
  pinsCache.clear();
  projectPinsCache.clear();
  configCache.clear();
  filesRead.clear();
}

/** Whether a change of the file at `path` may change cached pins or settings: a dependency file or one they include. */
export function affectsWorkspace(path: string): boolean {
  return DEPENDENCY_FILES.test(basename(path)) || filesRead.has(resolve(path));
}

/**
 * The pins of the project holding `filePath`: the nearest folder upwards with a dependency file
 * (or a `.git`, which ends the search).
 */
export function findWorkspacePins(filePath: string): WorkspacePins | null {
  const folder = dirname(resolve(filePath));
  if (!pinsCache.has(folder)) {
    const dir = projectDir(folder);
    if (dir !== null && !projectPinsCache.has(dir)) projectPinsCache.set(dir, readPins(dir));
    pinsCache.set(folder, dir === null ? null : (projectPinsCache.get(dir) ?? null));
  }
  return pinsCache.get(folder) ?? null;
}

function projectDir(start: string): string | null {
  for (let dir = start; ; dir = dirname(dir)) {
    const names = safeReaddir(dir);
    if (names.some((n) => DEPENDENCY_FILES.test(n))) return dir;
    if (names.includes('.git') || dirname(dir) === dir) return null;
  }
}

function readPins(dir: string): WorkspacePins | null {
  const found: { flavour: Flavour; evidence: string; lowercasesMetricNames: boolean }[] = [];
  const names = safeReaddir(dir).filter((n) => DEPENDENCY_FILES.test(n)).sort();
  // Read for themselves: not again through a `-r` of another one (requirements-dev.txt's `-r requirements.txt`).
  const readDirectly = names.map((name) => join(dir, name));
  for (const name of names) {
    const path = join(dir, name);
    const text = safeRead(path);
    if (text === null) continue;
    const requirements = /\.toml$|^Pipfile$/i.test(name) ? tomlRequirements(text) : lineRequirements(text);
    if (/\.(txt|in)$/i.test(name)) {
      const included = includedRequirements(path, text, dir, new Set(readDirectly), { left: MAX_INCLUDES });
      // Includes past the limit were not read: pins that may be incomplete decide nothing.
      if (included === null) return null;
      requirements.push(...included);
    }
    for (const { pkg, spec, from } of requirements) {
      const flavour = flavourOfRequirement(pkg, spec);
      if (flavour) found.push({ flavour, evidence: `${from ? `${name} → ${from}` : name} pins ${pkg}${spec}`, lowercasesMetricNames: lowercasesMetricNames(pkg, spec) });
    }
  }
  return combinePins(found);
}

/** pip's `-r FILE` / `-c FILE` (and long forms) in a requirements file: a URL is not followed. */
const INCLUDE = /^\s*(?:-[rc]\s*|--(?:requirement|constraint)(?:\s*=\s*|\s+))(\S+)/i;
/** How many includes one requirements file may follow, all levels together, found or not (pip has no limit; a loop is cut by `seen`). */
const MAX_INCLUDES = 16;

/**
 * The requirements of the files `text` (at `path`) includes, as pip reads them: relative to the
 * including file's folder. `from` names the included file relative to the project folder `dir`.
 * Null when there are more includes than `budget` allows.
 */
function includedRequirements(path: string, text: string, dir: string, seen: Set<string>, budget: { left: number }): Requirement[] | null {
  const out: Requirement[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = INCLUDE.exec(line.replace(/\s#.*$/, ''));
    if (!m || /^[a-z][\w+.-]*:\/\//i.test(m[1])) continue;
    const included = resolve(dirname(path), m[1]);
    if (seen.has(included)) continue;
    if (budget.left-- <= 0) return null;
    seen.add(included);
    filesRead.add(included);
    const includedText = safeRead(included);
    if (includedText === null) continue;
    const nested = includedRequirements(included, includedText, dir, seen, budget);
    if (nested === null) return null;
    const name = relative(dir, included).split(sep).join('/');
    for (const requirement of [...lineRequirements(includedText), ...nested]) out.push({ ...requirement, from: requirement.from ?? name });
  }
  return out;
}

interface Requirement {
  pkg: string;
  spec: string;
  /** The included requirements file it was read from (`-r FILE`), relative to the project folder. */
  from?: string;
}

// The lookahead keeps keras-tuner, tensorflow-hub and friends out.
const KERAS_PACKAGE = '(tensorflow(?:[-_](?:gpu|cpu|macos|intel))?|tf[-_]nightly|tf[-_]keras|keras)(?![\\w.-])';

/** PEP 508 lines (requirements, setup.cfg) and conda lines (`- tensorflow=2.3.0`). */
function lineRequirements(text: string): Requirement[] {
  const out: Requirement[] = [];
  const line = new RegExp(`^\\s*(?:-\\s*)?["']?${KERAS_PACKAGE}(?:\\[[^\\]]*\\])?\\s*((?:[=~<>!]=?=?\\s*[\\w.*]+\\s*,?\\s*)*)`, 'i');
  for (const raw of text.split(/\r?\n/)) {
    const m = line.exec(raw.replace(/#.*$/, '').replace(/^\s*install_requires\s*=\s*/, ''));
    if (m) out.push({ pkg: m[1], spec: m[2].trim() });
  }
  return out;
}

/** pyproject.toml (PEP 621 and Poetry) and Pipfile dependency tables. */
function tomlRequirements(text: string): Requirement[] {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text) as Record<string, unknown>;
  } catch {
    return [];
  }
  const out: Requirement[] = [];
  const project = asRecord(doc.project);
  const pep508 = [...asStrings(project.dependencies), ...Object.values(asRecord(project['optional-dependencies'])).flatMap(asStrings)];
  out.push(...lineRequirements(pep508.join('\n')));
  const poetry = asRecord(asRecord(doc.tool).poetry);
  const tables = [
    asRecord(poetry.dependencies),
    ...Object.values(asRecord(poetry.group)).map((g) => asRecord(asRecord(g).dependencies)),
    asRecord(doc.packages),
    asRecord(doc['dev-packages']),
  ];
  for (const table of tables) {
    for (const [pkg, value] of Object.entries(table)) {
      const version = typeof value === 'string' ? value : asRecord(value).version;
      if (typeof version === 'string' && new RegExp(`^${KERAS_PACKAGE}$`, 'i').test(pkg)) out.push({ pkg, spec: poetrySpec(version) });
    }
  }
  return out;
}

/** Poetry's `^2.3` / `~2.3` / bare `2.3` as PEP 440 specifiers. */
function poetrySpec(version: string): string {
  const v = version.trim();
  const caret = /^\^(\d+)(?:\.(\d+))?/.exec(v);
  if (caret) return caret[1] === '0' ? `~=${caret[1]}.${caret[2] ?? 0}` : `>=${caret[1]}.${caret[2] ?? 0},<${Number(caret[1]) + 1}`;
  const tilde = /^~(\d+)\.(\d+)/.exec(v);
  if (tilde) return `>=${tilde[1]}.${tilde[2]},<${tilde[1]}.${Number(tilde[2]) + 1}`;
  if (/^\d/.test(v)) return `==${v}`;
  return v === '*' ? '' : v;
}

/** `[tool.keras-lint]` of the nearest pyproject.toml above `filePath` that has one. */
export function loadProjectConfig(filePath: string): LoadedConfig {
  const folder = dirname(resolve(filePath));
  let loaded = configCache.get(folder);
  if (!loaded) {
    loaded = findProjectConfig(folder);
    configCache.set(folder, loaded);
  }
  return loaded;
}

function findProjectConfig(start: string): LoadedConfig {
  for (let dir = start; ; dir = dirname(dir)) {
    const pyproject = join(dir, 'pyproject.toml');
    const loaded = existsSync(pyproject) ? readConfig(pyproject) : null;
    if (loaded) return loaded;
    if (existsSync(join(dir, '.git')) || dirname(dir) === dir) return { config: {}, path: null, problems: [] };
  }
}

function readConfig(path: string): LoadedConfig | null {
  const text = safeRead(path);
  if (text === null) return null;
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text) as Record<string, unknown>;
  } catch (error) {
    return { config: {}, path, problems: [`${path}: invalid TOML: ${(error as Error).message.split('\n')[0]}`] };
  }
  const table = asRecord(doc.tool)['keras-lint'];
  if (table === undefined) return null;
  if (!isRecord(table)) return { config: {}, path, problems: [`${path}: [tool.keras-lint] must be a table (keras-lint = { ... } or a [tool.keras-lint] section)`] };
  const { config, problems } = parseSettings(table);
  return { config, path, problems: problems.map((p) => `${path}: [tool.keras-lint] ${p}`) };
}

/**
 * Validates settings from any source (pyproject.toml or the editor): camelCase or kebab-case keys;
 * bad entries are dropped and reported.
 */
export function parseSettings(raw: Record<string, unknown>): { config: ProjectConfig; problems: string[] } {
  const config: ProjectConfig = {};
  const problems: string[] = [];
  for (const [key, value] of Object.entries(raw)) {
    const name = key.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    switch (name) {
      case 'enable':
      case 'inlayHints':
        if (typeof value === 'boolean') config[name] = value;
        else problems.push(`${key} must be true or false`);
        break;
      case 'select':
      case 'ignore': {
        if (typeof value !== 'string' && !Array.isArray(value)) {
          problems.push(`${key} must be a list of rule ids (or one string of them, comma-separated)`);
          break;
        }
        const ids = ruleList(value);
        if (ids.bad.length) problems.push(`${key}: unknown rule ${listed(ids.bad)}`);
        if (Array.isArray(value) && value.some((v) => typeof v !== 'string')) problems.push(`${key}: entries that are not strings are ignored`);
        config[name] = ids.good;
        break;
      }
      case 'severity':
        if (!isRecord(value)) {
          problems.push(`${key} must be a table of rule ids and levels, e.g. { KL001 = "error" }`);
          break;
        }
        config.severity = {};
        for (const [written, level] of Object.entries(value)) {
          // Rule ids are case-insensitive, as in select and ignore.
          const id = written.trim().toUpperCase();
          if (!isRuleId(id)) problems.push(`severity: unknown rule ${listed([written])}`);
          else if (typeof level !== 'string' || !['error', 'warning', 'info', 'hint'].includes(level)) problems.push(`severity.${id} must be error, warning, info or hint`);
          else config.severity[id] = level as Severity;
        }
        break;
      case 'kerasVersion':
      case 'flavour':
        if (value === 'auto' || (FLAVOURS as readonly unknown[]).includes(value)) config.kerasVersion = value as FlavourSetting;
        else problems.push(`${key} must be one of auto, ${FLAVOURS.filter((f) => f !== 'unknown').join(', ')}`);
        break;
      case 'exclude':
        // One path is taken for a list of one, as for select and ignore.
        if (typeof value === 'string') config.exclude = [value];
        else if (Array.isArray(value)) {
          config.exclude = asStrings(value);
          if (config.exclude.length < value.length) problems.push(`${key}: entries that are not strings are ignored`);
        } else problems.push(`${key} must be a list of paths`);
        break;
      default:
        problems.push(`unknown key ${listed([key])}`);
    }
  }
  return { config, problems };
}

function ruleList(value: unknown): { good: RuleId[]; bad: string[] } {
  const items = typeof value === 'string' ? value.split(',') : asStrings(value);
  const good: RuleId[] = [];
  const bad: string[] = [];
  for (const item of items.map((s) => s.trim().toUpperCase()).filter(Boolean)) {
    if (isRuleId(item)) good.push(item);
    else bad.push(item);
  }
  return { good, bad };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function asRecord(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

/** Names for a message, at most 10 of them and 40 characters each (a settings typo can be huge). */
function listed(names: string[]): string {
  const shown = names.slice(0, 10).map((n) => (n.length > 40 ? `${n.slice(0, 39)}…` : n)).join(', ');
  return names.length > 10 ? `${shown} and ${names.length - 10} more` : shown;
}

function asStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** A settings or requirements file's text; null for anything but a readable regular file of at most 1 MB (a FIFO or device would block or never end). */
function safeRead(path: string): string | null {
  try {
    const stats = statSync(path);
    if (!stats.isFile() || stats.size > 1_000_000) return null;
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}
