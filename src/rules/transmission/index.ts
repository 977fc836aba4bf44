import type { RuleDefinition } from '../../core/rule';
import { cleartextProtocol } from './cleartext-protocol';
import { insecureCookie } from './insecure-cookie';
import { insecureRequest } from './insecure-request';
import { insecureWebsocket } from './insecure-websocket';
import { piiToThirdParty } from './pii-to-third-party';
import { tlsVerificationDisabled } from './tls-verification-disabled';

/** The transmission family, sorted by id. */
export const TRANSMISSION_RULES: readonly RuleDefinition[] = [cleartextProtocol, insecureCookie, insecureRequest, insecureWebsocket, piiToThirdParty, tlsVerificationDisabled];
