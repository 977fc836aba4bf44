const express = require('express');
const multer = require('multer');
const bcrypt = require('bcrypt');
const path = require('path');
const crypto = require('crypto');
const axios = require('axios');
const winston = require('winston');
const db = require('./db');

const app = express();
app.use(express.json());
app.use(express.static('public'));

const logger = winston.createLogger({ transports: [new winston.transports.Console()] });
const PARTNER_API = 'http://api.partner-crm.com/v1';

// Mistake: no size limit, no type allow-list, stored under the web root.
const upload = multer({ dest: 'public/uploads/' });

// Safe twin: size limit, allow-list, generated name, outside the web root.
const ALLOWED_TYPES = ['image/png', 'image/jpeg'];
const safeUpload = multer({
  storage: multer.diskStorage({
    destination: '/var/app-data/avatars',
    filename: (req, file, cb) => cb(null, crypto.randomUUID() + path.extname(file.originalname).toLowerCase()),
  }),
  limits: { fileSize: 2 * 1024 * 1024 },
  fileFilter: (req, file, cb) => cb(null, ALLOWED_TYPES.includes(file.mimetype)),
});

app.post('/signup', async (req, res) => {
  const { email, password, ssn } = req.body;
  // Mistake: the SSN and the password end up in the logs.
  logger.info(`new signup ${email} ssn=${ssn}`);
  console.log('signup payload', req.body.password);
  // Mistake: password stored as typed.
  await db.users.insert({ email, password, ssn });
  // Mistake: personal data sent to a partner over plain HTTP.
  await axios.post(`${PARTNER_API}/customers`, { email, ssn });
  res.status(201).end();
});

app.post('/signup-safe', async (req, res) => {
  const { email, password } = req.body;
  const passwordHash = await bcrypt.hash(password, 12);
  await db.users.insert({ email, passwordHash });
  logger.info('new signup', { userId: email.length });
  await axios.post('https://api.partner-crm.com/v1/customers', { email });
  res.status(201).end();
});

app.post('/avatar', upload.single('avatar'), async (req, res) => {
  res.json({ url: `/uploads/${req.file.filename}` });
});

app.post('/avatar-safe', safeUpload.single('avatar'), async (req, res) => {
  res.json({ ok: true });
});

app.post('/login', async (req, res) => {
  const user = await db.users.verify(req.body.email, req.body.password);
  const token = crypto.randomBytes(32).toString('hex');
  // Mistake: the session token cookie travels over plain HTTP too (no Secure attribute).
  res.cookie('session_token', token, { httpOnly: true });
  // Mistake: the customer's email handed to an analytics vendor.
  analytics.identify(user.id, { email: user.email });
  res.status(204).end();
});

app.post('/login-safe', async (req, res) => {
  const user = await db.users.verify(req.body.email, req.body.password);
  const token = crypto.randomBytes(32).toString('hex');
  // Safe twin: Secure, HttpOnly, SameSite; analytics get an opaque id only.
  res.cookie('session_token', token, { httpOnly: true, secure: true, sameSite: 'lax' });
  analytics.identify(user.id, { plan: user.plan });
  res.status(204).end();
});

// Health check of a local sidecar: plain HTTP on loopback is fine.
async function health() {
  return axios.get('http://localhost:9000/health');
}

// Mistake: the client's file name decides the path on disk (`../../server.js` escapes the folder).
const documents = multer({
  storage: multer.diskStorage({
    destination: '/var/app-data/documents',
    filename: (req, file, cb) => cb(null, file.originalname),
  }),
  limits: { fileSize: 5 * 1024 * 1024 },
  fileFilter: (req, file, cb) => cb(null, file.mimetype === 'application/pdf'),
});

app.post('/documents', documents.single('document'), async (req, res) => {
  res.status(201).json({ id: req.file.filename });
});

module.exports = { app, health };
