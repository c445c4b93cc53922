/**
 * Stands in for undici in the bundle. @actions/http-client imports undici's ProxyAgent only for
 * getAgentDispatcher() (proxying fetch), which this action never calls: its requests go through
 * http-client's own agents and tunnel. undici was 70 % of the bundle and most of its load time.
 */
export class ProxyAgent {
  constructor() {
    throw new Error('undici is not bundled with this action (getAgentDispatcher is not supported)')
  }
}
