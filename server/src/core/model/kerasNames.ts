// What dotted library paths mean: every import spelling of Keras (keras, tensorflow.keras, tf.keras,
// tf_keras, Keras 1 modules) is reduced to one canonical path, then looked up in these tables.

const canonicalPaths = new Map<string, string>();

/** 'tensorflow.keras.layers.core.Dense' → 'keras.layers.Dense'; non-Keras paths pass through. */
export function canonicalPath(path: string): string {
  // Called for every library call and attribute; a file uses few distinct paths.
  let canonical = canonicalPaths.get(path);
  if (canonical === undefined) {
    canonical = computeCanonicalPath(path);
    if (canonicalPaths.size < 5000) canonicalPaths.set(path, canonical);
  }
  return canonical;
}

function computeCanonicalPath(path: string): string {
  let p = path;
  p = p.replace(/^tensorflow\.python\.keras(\.|$)/, 'keras$1');
  p = p.replace(/^tensorflow\.compat\.v[12]\.keras(\.|$)/, 'keras$1');
  p = p.replace(/^tensorflow\.keras(\.|$)/, 'keras$1');
  p = p.replace(/^tf_keras(\.|$)/, 'keras$1');
  p = p.replace(/^keras\.src(\.|$)/, 'keras$1');
  p = p.replace(/^keras\.api\._v2\.keras(\.|$)/, 'keras$1');
  p = p.replace(/^keras\.objectives(\.|$)/, 'keras.losses$1');
  // TF 2's tf.losses is tf.keras.losses (TF 1's functions of that name are no Keras losses: unknown either way).
  p = p.replace(/^tensorflow\.losses(\.|$)/, 'keras.losses$1');
  if (!p.startsWith('keras.')) return p;
  const parts = p.split('.');
  const last = parts[parts.length - 1];
  const area = parts[1];
  // keras.layers.core.Dense, keras.layers.convolutional.Conv2D, keras.utils.np_utils.to_categorical, ...
  if (parts.length > 3 && ['layers', 'utils', 'losses', 'metrics', 'activations', 'applications', 'preprocessing', 'optimizers'].includes(area)) {
    if (area === 'preprocessing') return `keras.preprocessing.${parts.slice(2).join('.')}`;
    if (area === 'applications') return `keras.applications.${last}`;
    return `keras.${area}.${last}`;
  }
  if (p === 'keras.models.Sequential' || p === 'keras.engine.sequential.Sequential') return 'keras.Sequential';
  if (p === 'keras.models.Model' || /^keras\.engine\.(training|functional)\.Model$/.test(p)) return 'keras.Model';
  if (p === 'keras.layers.Input' || p === 'keras.Input' || p === 'keras.engine.input_layer.Input') return 'keras.Input';
  if (parts[1] === 'backend' && parts.length === 3) return `keras.backend.${last}`;
  return p;
}

/** Names a pasted snippet uses with no import: Keras's well-known names, resolved when unbound. */
export const BARE_KERAS_NAMES: Record<string, string> = {
  Sequential: 'keras.Sequential',
  Model: 'keras.Model',
  Input: 'keras.Input',
  to_categorical: 'keras.utils.to_categorical',
  np_utils: 'keras.utils',
  keras: 'keras',
  layers: 'keras.layers',
  losses: 'keras.losses',
  metrics: 'keras.metrics',
  activations: 'keras.activations',
  tf: 'tensorflow',
  np: 'numpy',
  numpy: 'numpy',
  pd: 'pandas',
  mnist: 'keras.datasets.mnist',
  fashion_mnist: 'keras.datasets.fashion_mnist',
  cifar10: 'keras.datasets.cifar10',
  cifar100: 'keras.datasets.cifar100',
  imdb: 'keras.datasets.imdb',
  reuters: 'keras.datasets.reuters',
  boston_housing: 'keras.datasets.boston_housing',
  california_housing: 'keras.datasets.california_housing',
};

/** Layers that keep the last dimension and the activation (inference-time identities). */
export const TRANSPARENT_LAYERS = new Set([
  'Dropout', 'AlphaDropout', 'GaussianDropout', 'GaussianNoise', 'ActivityRegularization', 'SpatialDropout1D',
  'SpatialDropout2D', 'SpatialDropout3D',
]);

/** Layers that keep the last dimension but not the activation (outputs are no longer probabilities). */
export const WIDTH_PRESERVING_LAYERS = new Set(['BatchNormalization', 'LayerNormalization', 'UnitNormalization', 'GroupNormalization']);

/** Layers applying a fixed activation, by class name. */
export const ACTIVATION_LAYERS: Record<string, string> = {
  Softmax: 'softmax',
  ReLU: 'relu',
  LeakyReLU: 'leaky_relu',
  PReLU: 'prelu',
  ELU: 'elu',
  ThresholdedReLU: 'relu',
};

export const KNOWN_LAYER_CLASSES = new Set([
  'Dense', 'Activation', 'Softmax', 'ReLU', 'LeakyReLU', 'PReLU', 'ELU', 'ThresholdedReLU', 'Dropout', 'AlphaDropout',
  'GaussianDropout', 'GaussianNoise', 'ActivityRegularization', 'SpatialDropout1D', 'SpatialDropout2D',
  'SpatialDropout3D', 'BatchNormalization', 'LayerNormalization', 'UnitNormalization', 'GroupNormalization', 'Flatten',
  'Reshape', 'Permute', 'RepeatVector', 'Lambda', 'Conv1D', 'Conv2D', 'Conv3D', 'Convolution1D', 'Convolution2D',
  'Convolution3D', 'Conv2DTranspose', 'Conv1DTranspose', 'Conv3DTranspose', 'SeparableConv1D', 'SeparableConv2D',
  'DepthwiseConv2D', 'MaxPooling1D', 'MaxPooling2D', 'MaxPooling3D', 'AveragePooling1D', 'AveragePooling2D',
  'AveragePooling3D', 'MaxPool1D', 'MaxPool2D', 'MaxPool3D', 'AvgPool1D', 'AvgPool2D', 'GlobalAveragePooling1D',
  'GlobalAveragePooling2D', 'GlobalAveragePooling3D', 'GlobalMaxPooling1D', 'GlobalMaxPooling2D', 'GlobalMaxPooling3D',
  'GlobalAvgPool1D', 'GlobalAvgPool2D', 'GlobalMaxPool1D', 'GlobalMaxPool2D', 'UpSampling1D', 'UpSampling2D',
  'UpSampling3D', 'ZeroPadding1D', 'ZeroPadding2D', 'Cropping1D', 'Cropping2D', 'Embedding', 'LSTM', 'GRU',
  'SimpleRNN', 'Bidirectional', 'TimeDistributed', 'Concatenate', 'Add', 'Multiply', 'Average', 'Maximum',
  'Subtract', 'Dot', 'Attention', 'MultiHeadAttention', 'InputLayer', 'Rescaling', 'Resizing', 'Normalization',
  'TextVectorization', 'RandomFlip', 'RandomRotation', 'RandomZoom', 'ConvLSTM2D', 'Masking', 'EinsumDense',
]);

/** Keras 1 / 2 aliases of layer classes. */
export const LAYER_ALIASES: Record<string, string> = {
  Convolution1D: 'Conv1D', Convolution2D: 'Conv2D', Convolution3D: 'Conv3D', MaxPool1D: 'MaxPooling1D',
  MaxPool2D: 'MaxPooling2D', MaxPool3D: 'MaxPooling3D', AvgPool1D: 'AveragePooling1D', AvgPool2D: 'AveragePooling2D',
  GlobalAvgPool1D: 'GlobalAveragePooling1D', GlobalAvgPool2D: 'GlobalAveragePooling2D',
  GlobalMaxPool1D: 'GlobalMaxPooling1D', GlobalMaxPool2D: 'GlobalMaxPooling2D',
};

export const CROSSENTROPY_LOSSES = new Set([
  'binary_crossentropy', 'categorical_crossentropy', 'sparse_categorical_crossentropy', 'binary_focal_crossentropy',
  'categorical_focal_crossentropy',
]);

export const REGRESSION_LOSSES = new Set(['mse', 'mae', 'msle', 'huber', 'log_cosh']);

/** Loss strings, function names and class names → canonical loss id. */
const LOSS_NAMES: Record<string, string> = {
  binary_crossentropy: 'binary_crossentropy', bce: 'binary_crossentropy', BCE: 'binary_crossentropy', BinaryCrossentropy: 'binary_crossentropy',
  categorical_crossentropy: 'categorical_crossentropy', CategoricalCrossentropy: 'categorical_crossentropy',
  sparse_categorical_crossentropy: 'sparse_categorical_crossentropy', SparseCategoricalCrossentropy: 'sparse_categorical_crossentropy',
  binary_focal_crossentropy: 'binary_focal_crossentropy', BinaryFocalCrossentropy: 'binary_focal_crossentropy',
  categorical_focal_crossentropy: 'categorical_focal_crossentropy', CategoricalFocalCrossentropy: 'categorical_focal_crossentropy',
  mse: 'mse', MSE: 'mse', mean_squared_error: 'mse', MeanSquaredError: 'mse',
  mae: 'mae', MAE: 'mae', mean_absolute_error: 'mae', MeanAbsoluteError: 'mae',
  mape: 'mape', MAPE: 'mape', mean_absolute_percentage_error: 'mape', MeanAbsolutePercentageError: 'mape',
  msle: 'msle', MSLE: 'msle', mean_squared_logarithmic_error: 'msle', MeanSquaredLogarithmicError: 'msle',
  huber: 'huber', huber_loss: 'huber', Huber: 'huber',
  log_cosh: 'log_cosh', logcosh: 'log_cosh', LogCosh: 'log_cosh',
  kld: 'kld', KLD: 'kld', kl_divergence: 'kld', kullback_leibler_divergence: 'kld', KLDivergence: 'kld',
  hinge: 'hinge', Hinge: 'hinge', squared_hinge: 'squared_hinge', SquaredHinge: 'squared_hinge',
  categorical_hinge: 'categorical_hinge', CategoricalHinge: 'categorical_hinge',
  poisson: 'poisson', Poisson: 'poisson', cosine_similarity: 'cosine_similarity', CosineSimilarity: 'cosine_similarity',
  cosine_proximity: 'cosine_similarity', cosine: 'cosine_similarity',
};

export function lossIdOf(name: string): string | null {
  return Object.prototype.hasOwnProperty.call(LOSS_NAMES, name) ? LOSS_NAMES[name] : null;
}

/** Loss class name per canonical id (for fixes that turn a string into an object). */
export const LOSS_CLASS: Record<string, string> = {
  binary_crossentropy: 'BinaryCrossentropy',
  categorical_crossentropy: 'CategoricalCrossentropy',
  sparse_categorical_crossentropy: 'SparseCategoricalCrossentropy',
  binary_focal_crossentropy: 'BinaryFocalCrossentropy',
  categorical_focal_crossentropy: 'CategoricalFocalCrossentropy',
};

const METRIC_NAMES: Record<string, string> = {
  binary_accuracy: 'binary_accuracy', BinaryAccuracy: 'binary_accuracy',
  categorical_accuracy: 'categorical_accuracy', CategoricalAccuracy: 'categorical_accuracy',
  sparse_categorical_accuracy: 'sparse_categorical_accuracy', SparseCategoricalAccuracy: 'sparse_categorical_accuracy',
  top_k_categorical_accuracy: 'top_k_categorical_accuracy', TopKCategoricalAccuracy: 'top_k_categorical_accuracy',
  sparse_top_k_categorical_accuracy: 'sparse_top_k_categorical_accuracy', SparseTopKCategoricalAccuracy: 'sparse_top_k_categorical_accuracy',
  Accuracy: 'Accuracy',
  mae: 'mae', mean_absolute_error: 'mae', MeanAbsoluteError: 'mae', mse: 'mse', mean_squared_error: 'mse', MeanSquaredError: 'mse', AUC: 'auc', auc: 'auc', Precision: 'precision', Recall: 'recall', precision: 'precision', recall: 'recall',
};

/** A metric string/class/function name → canonical id; 'accuracy'/'acc' in any case → 'accuracy'. */
export function metricIdOf(name: string, form: 'string' | 'object' | 'function'): string {
  if (form === 'string' && ['accuracy', 'acc'].includes(name.toLowerCase())) return 'accuracy';
  if (form !== 'string' && (name === 'Accuracy' || name === 'accuracy')) return 'Accuracy';
  return Object.prototype.hasOwnProperty.call(METRIC_NAMES, name) ? METRIC_NAMES[name] : name;
}

/** Activation names Keras accepts, as written → canonical. */
export function activationNameOf(name: string): string {
  const lower = name.toLowerCase();
  const aliases: Record<string, string> = { swish: 'silu', none: 'linear', leakyrelu: 'leaky_relu' };
  return aliases[lower] ?? lower;
}

/** Activations whose outputs are not probabilities: crossentropy without from_logits is meaningless. */
export const UNBOUNDED_ACTIVATIONS = new Set([
  'relu', 'elu', 'selu', 'softplus', 'tanh', 'exponential', 'log_softmax', 'leaky_relu', 'relu6', 'gelu', 'silu',
  'mish', 'prelu', 'softsign', 'log_sigmoid', 'celu', 'glu', 'hard_silu', 'hard_swish',
]);

/** keras.datasets.X.load_data(): label format and class count. */
export const DATASETS: Record<string, { format: 'int' | 'binary' | 'continuous'; classes: number | null }> = {
  mnist: { format: 'int', classes: 10 },
  fashion_mnist: { format: 'int', classes: 10 },
  cifar10: { format: 'int', classes: 10 },
  cifar100: { format: 'int', classes: 100 },
  imdb: { format: 'binary', classes: 2 },
  reuters: { format: 'int', classes: 46 },
  boston_housing: { format: 'continuous', classes: null },
  california_housing: { format: 'continuous', classes: null },
};

/** keras.applications model constructors (any name under keras.applications that is capitalised). */
export function isApplicationPath(canonical: string): boolean {
  const m = /^keras\.applications\.([A-Za-z0-9_]+)$/.exec(canonical);
  return !!m && /^[A-Z]/.test(m[1]);
}
