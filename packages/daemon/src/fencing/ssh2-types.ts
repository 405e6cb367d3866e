// The part of ssh2 1.17's API the ssh fencing device uses (the package ships no type
// declarations, and none are installed): loaded through createRequire with these types.
import { createRequire } from 'node:module';

export interface SshConnectConfig {
  host: string;
  port?: number;
  username: string;
  privateKey?: Buffer | string;
  readyTimeout?: number;
}

export interface SshStream {
  on(event: 'data', listener: (chunk: Buffer) => void): this;
}

export interface SshChannel extends SshStream {
  readonly stderr: SshStream;
  on(event: 'data', listener: (chunk: Buffer) => void): this;
  on(event: 'close', listener: (code: number | null) => void): this;
}

export interface SshClient {
  once(event: 'ready', listener: () => void): this;
  once(event: 'error', listener: (error: Error) => void): this;
  connect(config: SshConnectConfig): this;
  exec(command: string, callback: (error: Error | undefined, channel: SshChannel) => void): boolean;
  end(): this;
  destroy(): this;
}

export const SshClientClass = (createRequire(__filename)('ssh2') as { Client: new () => SshClient }).Client;
