import multer from 'multer';

const receipts = multer({ dest: 'receipts/' });

interface Payment {
  cardNumber: string;
  amount: number;
}

export async function charge(payment: Payment, logger: { info(...args: unknown[]): void }): Promise<void> {
  logger.info('charging card', payment.cardNumber);
  await fetch('http://payments.vendor.io/v1/charge', { method: 'POST', body: JSON.stringify(payment) });
}

export { receipts };
