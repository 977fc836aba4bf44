// Spring Boot config files in the editor (issue #8): an `application.yml` (VS Code language `yaml`) and an
// `application.properties` (`properties`) get live diagnostics; a Helm chart's `values.yaml` with the same settings
// is not analysed at all.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { closeAll, codeOf, open, sealant, sealantDiagnostics, tempDir, waitForDiagnostics, writeFiles } from './helpers';

const SETTINGS = 'spring:\n  servlet:\n    multipart:\n      max-file-size: -1\n';

describe('Spring Boot config files', () => {
  after(closeAll);

  it('shows live diagnostics in application.yml and application.properties, none in a Helm values.yaml', async () => {
    const api = await sealant();
    const dir = tempDir('sealant-spring-');
    writeFiles(dir, {
      'charts/api/values.yaml': SETTINGS,
      'src/main/resources/application.yml': SETTINGS,
      'src/main/resources/application-prod.properties': 'spring.servlet.multipart.max-request-size=2GB\n',
    });
    const helm = await vscode.workspace.openTextDocument(vscode.Uri.file(join(dir, 'charts/api/values.yaml')));
    await vscode.window.showTextDocument(helm, { preview: false });
    assert.equal(helm.languageId, 'yaml');

    const yml = await open(api, vscode.Uri.file(join(dir, 'src/main/resources/application.yml')));
    assert.equal(yml.languageId, 'yaml');
    const ds = await waitForDiagnostics(yml.uri, (d) => d.some((x) => codeOf(x) === 'upload/no-size-limit'), 'the unlimited upload size');
    const d = ds.find((x) => codeOf(x) === 'upload/no-size-limit');
    assert.equal(d?.range.start.line, 3);
    assert.equal(d?.severity, vscode.DiagnosticSeverity.Warning);

    const props = await open(api, vscode.Uri.file(join(dir, 'src/main/resources/application-prod.properties')));
    assert.equal(props.languageId, 'properties');
    await waitForDiagnostics(props.uri, (x) => x.some((y) => codeOf(y) === 'upload/no-size-limit' && y.range.start.line === 0), 'the 2GB request size');

    // The chart was opened first: had it been analysed, it would have findings (or an analysis) by now.
    assert.deepEqual(sealantDiagnostics(helm.uri), []);
    assert.equal(api.findings(helm.uri), undefined);
  });
});
