#!/usr/bin/env node
// Entry point of the `keras-lint` command: the bundled CLI and language server (npm run build).
require('../dist/server/main.js');
