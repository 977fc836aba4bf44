import Stripe from 'stripe';
import https from 'https';
import { createHash } from 'crypto';
import bcrypt from 'bcrypt';
import { Request, Response } from 'express';
import { db } from './db';
import { vault } from './vault';

// Mistake: a live API key in the source.
const stripe = new Stripe('sk_live_51HxQjKLmN0pQrStUvWxYz0123456789abcdEFGHijklMNOP', { apiVersion: '2024-06-20' });
// Safe twin: the key comes from the environment.
const stripeFromEnv = new Stripe(process.env.STRIPE_SECRET_KEY ?? '', { apiVersion: '2024-06-20' });

// Mistake: TLS certificate checks switched off for every request.
const insecureAgent = new https.Agent({ rejectUnauthorized: false });

export async function savePaymentMethod(req: Request, res: Response): Promise<void> {
  const { cardNumber, cvv, expiry } = req.body as { cardNumber: string; cvv: string; expiry: string };
  // Mistake: the full card number and the CVV are stored in clear text.
  await db.query('INSERT INTO payment_methods (user_id, card_number, cvv, expiry) VALUES ($1, $2, $3, $4)', [req.params.id, cardNumber, cvv, expiry]);
  console.error('stored card', cardNumber);
  res.status(204).end();
}

export async function savePaymentMethodSafely(req: Request, res: Response): Promise<void> {
  const { cardNumber, expiry } = req.body as { cardNumber: string; expiry: string };
  const token = await vault.tokenize(cardNumber);
  await db.query('INSERT INTO payment_methods (user_id, card_token, expiry) VALUES ($1, $2, $3)', [req.params.id, token, expiry]);
  res.status(204).end();
}

// Mistake: billing-portal passwords kept as an unsalted SHA-1 digest.
export function portalPasswordDigest(password: string): string {
  return createHash('sha1').update(password).digest('hex');
}

// Safe twin: a slow, salted password hash.
export function portalPasswordHash(password: string): Promise<string> {
  return bcrypt.hash(password, 12);
}

export { stripe, stripeFromEnv, insecureAgent };
