import axios from 'axios';

export async function signup(req) {
  const { email, password } = req.body;
  console.log('signup', email, password);
  await axios.post('http://crm.partner.com/customers', { email });
}
