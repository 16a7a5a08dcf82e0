// Every rule's id, name, default severity and one-line summary (rules.md is the contract).
import type { RuleId, Severity } from './types';

export interface RuleMeta {
  id: RuleId;
  name: string;
  severity: Severity;
  summary: string;
}

export const DOCS_BASE_URL = 'https://github.com/keras-lint/keras-lint/blob/main/docs/rules/';

export const RULES: Record<RuleId, RuleMeta> = {
  KL001: { id: 'KL001', name: 'accuracy-resolves-wrong', severity: 'warning', summary: "'accuracy' will be computed as the wrong metric for this head and loss" },
  KL002: { id: 'KL002', name: 'bce-on-softmax', severity: 'warning', summary: 'binary_crossentropy on a multi-class softmax head' },
  KL003: { id: 'KL003', name: 'categorical-loss-on-sigmoid', severity: 'warning', summary: 'categorical crossentropy on a sigmoid head' },
  KL004: { id: 'KL004', name: 'softmax-on-one-unit', severity: 'error', summary: 'softmax over a single unit always outputs 1.0' },
  KL005: { id: 'KL005', name: 'categorical-loss-on-one-unit', severity: 'error', summary: 'categorical_crossentropy on a 1-unit head is identically 0' },
  KL006: { id: 'KL006', name: 'integer-labels-categorical-loss', severity: 'error', summary: 'categorical_crossentropy with integer class labels' },
  KL007: { id: 'KL007', name: 'onehot-labels-sparse-loss', severity: 'error', summary: 'sparse_categorical_crossentropy with one-hot labels' },
  KL008: { id: 'KL008', name: 'from-logits-on-probabilities', severity: 'warning', summary: 'from_logits=True on a head that already applies softmax/sigmoid' },
  KL009: { id: 'KL009', name: 'logits-without-from-logits', severity: 'warning', summary: 'crossentropy on a linear (logits) head without from_logits=True' },
  KL010: { id: 'KL010', name: 'regression-loss-on-classifier', severity: 'info', summary: 'a regression loss on a classification head' },
  KL011: { id: 'KL011', name: 'exact-match-accuracy-object', severity: 'warning', summary: 'exact-equality Accuracy on probability outputs' },
  KL012: { id: 'KL012', name: 'class-count-mismatch', severity: 'error', summary: 'head units differ from the number of classes in the labels' },
  KL013: { id: 'KL013', name: 'accuracy-on-regression', severity: 'info', summary: "'accuracy' on a regression model is meaningless" },
  KL014: { id: 'KL014', name: 'double-softmax', severity: 'warning', summary: 'softmax applied twice in a row' },
  KL015: { id: 'KL015', name: 'crossentropy-on-unbounded-output', severity: 'warning', summary: 'crossentropy on an activation whose outputs are not probabilities' },
};

export function ruleUrl(id: RuleId): string {
  return `${DOCS_BASE_URL}${id}.md`;
}

export function isRuleId(value: string): value is RuleId {
  return Object.prototype.hasOwnProperty.call(RULES, value);
}
