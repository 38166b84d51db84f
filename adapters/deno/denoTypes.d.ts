/**
 * The few `Deno` APIs the Deno adapters and their tests call, declared by hand for the repo's `tsc` projects
 * (which have no Deno lib). Deno itself never loads this file (nothing imports it), so `deno check` and
 * `deno test` type-check the same code against the real `Deno` namespace: a signature here that drifts from
 * Deno's shows up there.
 *
 * **Gotchas**: keep it a script (no import/export), or the namespace stops being global. Only what is used is
 * declared; add a member here before calling it.
 *
 * @since 0.1.0
 */
declare namespace Deno {
  interface FileInfo {
    readonly isFile: boolean
    readonly size: number
    readonly mtime: Date | null
  }
  interface DirEntry {
    readonly name: string
    readonly isFile: boolean
  }
  enum SeekMode {
    Start = 0,
    Current = 1,
    End = 2
  }
  interface FsFile {
    /** Bytes read into `p`, or `null` at end of file. */
    read(p: Uint8Array): Promise<number | null>
    write(p: Uint8Array): Promise<number>
    seek(offset: number | bigint, whence: SeekMode): Promise<number>
    stat(): Promise<FileInfo>
    sync(): Promise<void>
    close(): void
  }
  interface OpenOptions {
    read?: boolean
    write?: boolean
    create?: boolean
    createNew?: boolean
    truncate?: boolean
    append?: boolean
  }
  interface WriteFileOptions {
    createNew?: boolean
    append?: boolean
  }
  function open(path: string, options?: OpenOptions): Promise<FsFile>
  const stdin: { readonly readable: ReadableStream<Uint8Array> }
  function stat(path: string): Promise<FileInfo>
  function mkdir(path: string, options?: { recursive?: boolean }): Promise<void>
  function makeTempDir(options?: { prefix?: string }): Promise<string>
  function rename(oldpath: string, newpath: string): Promise<void>
  function remove(path: string, options?: { recursive?: boolean }): Promise<void>
  function readFile(path: string): Promise<Uint8Array>
  function readTextFile(path: string): Promise<string>
  function writeFile(path: string, data: Uint8Array, options?: WriteFileOptions): Promise<void>
  function writeTextFile(path: string, data: string, options?: WriteFileOptions): Promise<void>
  function readDir(path: string): AsyncIterable<DirEntry>
  function hostname(): string
  function osUptime(): number
  const pid: number
  const build: { readonly os: string }
  namespace errors {
    class NotFound extends Error {}
    class AlreadyExists extends Error {}
  }
  function test(name: string, fn: () => void | Promise<void>): void
  /** `Deno.serve` as tests/deno/signer_test.ts uses it: a loopback listener on a random port. */
  interface HttpServer {
    readonly addr: { readonly hostname: string; readonly port: number }
    shutdown(): Promise<void>
  }
  function serve(
    options: { hostname?: string; port?: number; onListen?: (addr: { port: number }) => void },
    handler: (request: Request) => Response | Promise<Response>
  ): HttpServer
}
