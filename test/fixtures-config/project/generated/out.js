import analytics from 'analytics';

export function track(user) {
  analytics.track(user.email);
}
