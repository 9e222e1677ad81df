/**
 * Minimal types for the parts of `@alicloud/fc2` (2.6.6, plain JS, no typings: aliyun/fc-nodejs-sdk#61) we call.
 * Read from node_modules/@alicloud/fc2/lib/client.js.
 */
declare module '@alicloud/fc2' {
  interface Fc2Config {
    /** Capital "ID": the SDK reads `config.accessKeyID`. */
    accessKeyID: string;
    accessKeySecret: string;
    /** Required when the key starts with "STS" (the constructor throws otherwise). */
    securityToken?: string;
    region: string;
    secure?: boolean;
    internal?: boolean;
    endpoint?: string;
    timeout?: number;
    headers?: Record<string, string>;
  }
  interface Fc2Response {
    headers: Record<string, string | string[] | undefined>;
    data: unknown;
  }
  class FCClient {
    constructor(accountId: string, config: Fc2Config);
    /** API version prefix of every signed path; '2016-08-15' by default. */
    version: string;
    endpoint: string;
    /** The common headers of every fc2 request: accept, date, host, user-agent, x-fc-account-id[, x-fc-security-token]. */
    buildHeaders(): Record<string, string>;
    post(path: string, body: string | Buffer | object, headers?: Record<string, string>, queries?: Record<string, string>): Promise<Fc2Response>;
    get(path: string, query?: Record<string, string> | null, headers?: Record<string, string>): Promise<Fc2Response>;
    static getSignature(
      accessKeyID: string,
      accessKeySecret: string,
      method: string,
      path: string,
      headers: Record<string, unknown>,
      queries?: Record<string, unknown> | null,
    ): string;
  }
  export default FCClient;
}
