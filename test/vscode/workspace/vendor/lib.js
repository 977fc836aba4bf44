// Vendored code: excluded from workspace scans by the default excludes.
console.log('password', process.env.PASSWORD);
fetch('http://vendor.partner.net/beacon');
