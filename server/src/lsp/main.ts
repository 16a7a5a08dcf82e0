// Placeholder until the language server lands (issue 3): keeps `keras-lint server` an explicit error.
export function startStdioOrIpcServer(): void {
  process.stderr.write('keras-lint: the language server is not built yet\n');
  process.exit(2);
}
