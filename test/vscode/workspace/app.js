console.log('sealant integration workspace');
