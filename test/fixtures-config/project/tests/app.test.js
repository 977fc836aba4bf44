export function debugSignup(user) {
  console.log('new signup', user.ssn);
}
