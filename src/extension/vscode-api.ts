/**
 * The `vscode` module, imported once for the whole extension bundle. esbuild turns every `import * as vscode from
 * 'vscode'` of a bundled module into its own copy of the API's ~450 top-level names (`__toESM`), which cost about
 * 10 ms of activation over the extension's 16 modules; the build (scripts/build.mjs) resolves those imports to this
 * module, so the names are copied once. Type-checking still sees the real `vscode` module.
 */
export * from 'vscode';
