/**
 * Where files come from: the File System Access picker (`showOpenFilePicker`, Chromium), whose handles persist in
 * IndexedDB; a drop, whose items give a handle too where `getAsFileSystemHandle` exists; else a plain `<input
 * type=file>` or a dropped `File`, which a reloaded page must ask for again. Also reading a stored handle back,
 * which needs read permission again after a reload for picked files (a click on Resume asks for it); OPFS handles
 * (`navigator.storage.getDirectory()`, what the tests hand in) are always readable.
 */

/** A file, and its handle when the browser gives one. */
export interface Picked {
  readonly file: File
  readonly handle?: FileSystemFileHandle
}

// Chromium-only parts of File System Access, not in TypeScript's DOM library.
type PermissionMode = { readonly mode: "read" }
interface ReadableHandle extends FileSystemFileHandle {
  queryPermission?: (mode: PermissionMode) => Promise<PermissionState>
  requestPermission?: (mode: PermissionMode) => Promise<PermissionState>
}
type Picker = (options: { multiple: boolean }) => Promise<Array<FileSystemFileHandle>>
type HandleItem = DataTransferItem & { getAsFileSystemHandle?: () => Promise<FileSystemHandle | null> }

export const hasPicker = (): boolean =>
  typeof (globalThis as { showOpenFilePicker?: Picker }).showOpenFilePicker === "function"

export const fromHandles = (handles: ReadonlyArray<FileSystemFileHandle>): Promise<Array<Picked>> =>
  Promise.all(handles.map(async (handle) => ({ file: await handle.getFile(), handle })))

/** The picker's files; an empty list when the user closes it. */
export const pick = async (): Promise<Array<Picked>> => {
  const picker = (globalThis as unknown as { showOpenFilePicker: Picker }).showOpenFilePicker
  const handles = await picker({ multiple: true }).catch(() => [])
  return fromHandles(handles)
}

/** A drop's files, with handles where the browser has them (asked for before any await, as the list empties). */
export const dropped = async (transfer: DataTransfer): Promise<Array<Picked>> => {
  const items = [...transfer.items].filter((item) => item.kind === "file") as Array<HandleItem>
  const pending = items.map((item) => ({ file: item.getAsFile(), handle: item.getAsFileSystemHandle?.() }))
  const out: Array<Picked> = []
  for (const { file, handle } of pending) {
    const h = await handle?.catch(() => null)
    if (h?.kind === "file")
      out.push({ file: await (h as FileSystemFileHandle).getFile(), handle: h as FileSystemFileHandle })
    else if (file !== null) out.push({ file })
  }
  return out
}

/** The handle's file if it may be read without asking; `undefined` when permission must be asked (by a click). */
export const readWithoutAsking = async (handle: FileSystemFileHandle): Promise<File | undefined> => {
  const state = (await (handle as ReadableHandle).queryPermission?.({ mode: "read" })) ?? "granted"
  return state === "granted" ? handle.getFile() : undefined
}

/** Asks for read permission (needs a user gesture) and reads the file; `undefined` when refused. */
export const readAsking = async (handle: FileSystemFileHandle): Promise<File | undefined> => {
  const state = (await (handle as ReadableHandle).requestPermission?.({ mode: "read" })) ?? "granted"
  return state === "granted" ? handle.getFile() : undefined
}
