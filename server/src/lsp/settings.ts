// The settings that apply to one document or notebook: the project's `[tool.keras-lint]`
// (pyproject.toml) overlaid with the client's `keras-lint` settings (the client wins, key by key),
// plus the Keras versions pinned in the workspace. Cached per URI until the configuration changes.
import { fileURLToPath } from 'node:url';
import type { Connection } from 'vscode-languageserver/node';
import type { AnalysisOptions } from '../core/types';
import { findWorkspacePins, loadProjectConfig, parseSettings, type ProjectConfig } from '../workspace';

export interface EffectiveSettings {
  enable: boolean;
  inlayHints: boolean;
  options: AnalysisOptions;
}

/** The keys of the `keras-lint` section the server reads (anything else in it is ignored). */
const CLIENT_KEYS = ['enable', 'select', 'ignore', 'severity', 'kerasVersion', 'inlayHints'];

export function filePathOf(uri: string): string | null {
  if (!uri.startsWith('file:')) return null;
  try {
    return fileURLToPath(uri);
  } catch {
    return null;
  }
}

/** Project config, then client settings on top; pins only when the user did not choose a flavour. */
export function combineSettings(project: ProjectConfig, client: ProjectConfig, filePath: string | null): EffectiveSettings {
  const merged: ProjectConfig = { ...project, ...client };
  const kerasVersion = merged.kerasVersion ?? 'auto';
  return {
    enable: merged.enable ?? true,
    inlayHints: merged.inlayHints ?? true,
    options: {
      flavour: kerasVersion,
      workspacePins: filePath && kerasVersion === 'auto' ? findWorkspacePins(filePath) : null,
      select: merged.select,
      ignore: merged.ignore,
      severity: merged.severity,
    },
  };
}

/** How long a workspace/configuration answer is waited for before the defaults are used. */
export const DEFAULT_CONFIGURATION_TIMEOUT_MS = 5000;

export class SettingsStore {
  private readonly cache = new Map<string, Promise<EffectiveSettings>>();
  private readonly reported = new Set<string>();
  canPullConfiguration = false;
  configurationTimeoutMs = DEFAULT_CONFIGURATION_TIMEOUT_MS;
  /** For clients that cannot answer workspace/configuration: initializationOptions.settings, then what didChangeConfiguration pushes. */
  initialSettings: Record<string, unknown> = {};

  constructor(private readonly connection: Connection) {}

  /** The settings for a document or notebook URI. */
  get(uri: string): Promise<EffectiveSettings> {
    let settings = this.cache.get(uri);
    if (!settings) {
      settings = this.load(uri);
      this.cache.set(uri, settings);
    }
    return settings;
  }

  forget(uri: string): void {
    this.cache.delete(uri);
  }

  /** Bumped by clear(): settings fetched under an older generation are out of date. */
  generation = 0;

  /** After a settings change: everything is read again, and its problems are worth a word again. */
  clear(): void {
    this.generation++;
    this.cache.clear();
    this.reported.clear();
  }

  private async load(uri: string): Promise<EffectiveSettings> {
    const filePath = filePathOf(uri);
    let project: ProjectConfig = {};
    if (filePath) {
      const loaded = loadProjectConfig(filePath);
      project = loaded.config;
      this.report(loaded.problems);
    }
    const raw = this.canPullConfiguration ? await this.pull(uri) : this.initialSettings;
    const { config, problems } = parseSettings(pickKnown(raw));
    this.report(problems.map((p) => `setting keras-lint.${p}`));
    return combineSettings(project, config, filePath);
  }

  /** The client's settings for a URI; the defaults ({}) when it answers with an error or not at all (nothing would ever be checked). */
  private async pull(uri: string): Promise<Record<string, unknown>> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.configurationTimeoutMs);
    });
    try {
      const value: unknown = await Promise.race([this.connection.workspace.getConfiguration({ scopeUri: uri, section: 'keras-lint' }), timeout]);
      if (value === 'timeout') {
        this.report([`the client did not answer workspace/configuration within ${this.configurationTimeoutMs} ms: using the default settings`]);
        return {};
      }
      return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
    } catch (error) {
      this.connection.console.warn(`keras-lint: could not read the client settings: ${String(error)}`);
      return {};
    } finally {
      clearTimeout(timer);
    }
  }

  private report(problems: string[]): void {
    for (const problem of problems) {
      if (this.reported.has(problem)) continue;
      this.reported.add(problem);
      this.connection.console.warn(`keras-lint: ${problem}`);
    }
  }
}

/**
 * Only the known keys, and only those with a value (null/undefined mean "not set"), in camelCase
 * (VS Code's) or kebab-case (as pyproject.toml writes them, and editors configured by hand may).
 */
function pickKnown(raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of CLIENT_KEYS) {
    const value = raw[key] ?? raw[key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)];
    if (value !== undefined && value !== null) out[key] = value;
  }
  return out;
}
