// The part of ssh2 1.17's API the ssh fencing device uses (the package ships no types).
declare module 'ssh2' {
  import type { EventEmitter } from 'node:events';
  import type { Readable } from 'node:stream';

  export interface ConnectConfig {
    host: string;
    port?: number;
    username: string;
    privateKey?: Buffer | string;
    readyTimeout?: number;
  }

  export interface ClientChannel extends Readable {
    readonly stderr: Readable;
    on(event: 'close', listener: (code: number | null, signal?: string) => void): this;
    on(event: 'data', listener: (chunk: Buffer) => void): this;
    on(event: string, listener: (...args: unknown[]) => void): this;
  }

  export class Client extends EventEmitter {
    connect(config: ConnectConfig): this;
    exec(command: string, callback: (error: Error | undefined, channel: ClientChannel) => void): boolean;
    end(): this;
    destroy(): this;
  }
}
