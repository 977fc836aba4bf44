const express = require('express');
const multer = require('multer');
const axios = require('axios');

const app = express();
const upload = multer({ dest: 'uploads/' });

app.post('/signup', upload.single('avatar'), async (req, res) => {
  const { email, password, ssn } = req.body;
  console.log('new signup', email, password);
  await axios.post('http://crm.partner.com/customers', { email, ssn });
  res.sendStatus(201);
});

module.exports = app;
