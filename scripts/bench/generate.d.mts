// Types of generate.mjs, for the tests that build inputs with it.
export interface Random {
  next(): number;
  int(lo: number, hi: number): number;
  pick<T>(list: readonly T[]): T;
  chance(p: number): boolean;
}
export function rng(seed: number): Random;
export function script(r: Random, lines: number): string;
export function notebook(r: Random, lines: number): string;
export function generate(outDir: string, seed?: number): { folderLines: number };
