import { randomBytes } from 'node:crypto';
import { UpstreamSimulator } from '../testing/upstream-simulator';

/** Options of {@link startElevenLabsSimulator}. */
export interface ElevenLabsSimulatorOptions {
  apiKey: string;
  /** Agents it knows; others are 404. Default: any agent id. */
  agentIds?: string[];
}

/** The stand-in ElevenLabs API, with what tests inspect. */
export type ElevenLabsSimulator = UpstreamSimulator & {
  /** Every `conversation_signature` it put in a signed URL: tests check none reaches a log line. */
  issuedSignatures: Set<string>;
};

/**
 * A stand-in ElevenLabs API: `GET /v1/convai/conversation/get-signed-url?agent_id=…`
 * with `xi-api-key` answers `{ signed_url }`, a `wss://` URL on its own host
 * whose `conversation_signature` is fresh each call. A wrong key is 401, an
 * unknown agent 404, no agent 422.
 */
export async function startElevenLabsSimulator(options: ElevenLabsSimulatorOptions): Promise<ElevenLabsSimulator> {
  const signatures = new Set<string>();
  const agents = options.agentIds && new Set(options.agentIds);
  const simulator = new UpstreamSimulator((call) => {
    const url = new URL(call.path, 'http://simulator');
    if (url.pathname !== '/v1/convai/conversation/get-signed-url') return { status: 404, body: { detail: 'Not Found' } };
    if (call.method !== 'GET') return { status: 405, body: { detail: 'Method Not Allowed' } };
    if (call.headers['xi-api-key'] !== options.apiKey) {
      return { status: 401, body: { detail: { status: 'invalid_api_key', message: 'Invalid API key' } } };
    }
    const agentId = url.searchParams.get('agent_id');
    if (!agentId) return { status: 422, body: { detail: [{ loc: ['query', 'agent_id'], msg: 'Field required' }] } };
    if (agents && !agents.has(agentId)) return { status: 404, body: { detail: { status: 'agent_not_found', message: 'Agent not found' } } };
    const signature = `sig-${randomBytes(18).toString('base64url')}`;
    signatures.add(signature);
    const query = new URLSearchParams({ agent_id: agentId, conversation_signature: signature });
    return { status: 200, body: { signed_url: `wss://${call.headers.host ?? 'localhost'}/v1/convai/conversation?${query}` } };
  });
  await simulator.start();
  return Object.assign(simulator, { issuedSignatures: signatures });
}
