// Starts `protrules lsp` (stdio) for .prl files. The grammar works without it.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("protrules").get("server.command", ["protrules", "lsp"]);
  if (!Array.isArray(command) || command.length === 0) {
    return;
  }
  const server = { command: command[0], args: command.slice(1) };
  client = new LanguageClient(
    "protrules",
    "protrules",
    { run: server, debug: server },
    { documentSelector: [{ scheme: "file", language: "prl" }, { scheme: "untitled", language: "prl" }] },
  );
  context.subscriptions.push({ dispose: () => client && client.stop() });
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
