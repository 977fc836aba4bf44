import analytics from 'analytics';

export function signup(user) {
  analytics.track(user.email);
  analytics.track(redactPii(user.email));
  analytics.track(user.plan);
  console.log('new signup', user.ssn);
}

function redactPii(value) {
  return String(value).slice(-2);
}
