/**
 * Draws the uploads: one list item per file (name, state, a progress bar, the error, and the buttons its state
 * allows) and the total. Items carry `data-id` and `data-state`, which the Chromium tests read.
 */
import type { DemoUpload } from "./DemoUpload.ts"

const MiB = 1024 * 1024
const mib = (bytes: number): string => (bytes / MiB).toFixed(1)

const byId = <T extends HTMLElement>(id: string): T => {
  const element = document.getElementById(id)
  if (element === null) throw new Error(`the page has no #${id}`)
  return element as T
}

const button = (label: string, action: string): HTMLButtonElement => {
  const b = document.createElement("button")
  b.type = "button"
  b.textContent = label
  b.dataset.action = action
  return b
}

export interface ViewActions {
  readonly pause: (upload: DemoUpload) => void
  readonly resume: (upload: DemoUpload) => void
  readonly cancel: (upload: DemoUpload) => void
  readonly repick: (upload: DemoUpload, file: File) => void
}

const itemFor = (upload: DemoUpload, actions: ViewActions): HTMLLIElement => {
  const li = document.createElement("li")
  li.dataset.id = upload.record.id
  li.innerHTML = `<div class="head"><span class="name"></span><span class="state"></span></div>
<progress max="1" value="0"></progress><div class="muted detail"></div><div class="error"></div><div class="buttons"></div>`
  const name = li.querySelector(".name") as HTMLElement
  name.textContent = `${upload.record.fingerprint.name} → ${upload.record.bucket}/${upload.record.key}`
  li.addEventListener("click", (event) => {
    const action = (event.target as HTMLElement).dataset.action
    if (action === "pause") actions.pause(upload)
    else if (action === "resume") actions.resume(upload)
    else if (action === "cancel") actions.cancel(upload)
  })
  li.addEventListener("change", (event) => {
    const file = (event.target as HTMLInputElement).files?.[0]
    if (file !== undefined) actions.repick(upload, file)
  })
  return li
}

const buttonsFor = (upload: DemoUpload): Array<HTMLElement> => {
  const terminal = upload.state === "completed" || upload.state === "cancelled"
  const list: Array<HTMLElement> = []
  if (upload.running) list.push(button("Pause", "pause"))
  else if (upload.state === "paused" || upload.state === "failed") list.push(button("Resume", "resume"))
  else if (upload.state === "needs-permission") list.push(button("Resume (allow reading the file)", "resume"))
  if (upload.state === "needs-file") {
    const input = document.createElement("input")
    input.type = "file"
    input.title = "pick the same file again to resume"
    list.push(input)
  }
  if (!terminal) list.push(button("Cancel", "cancel"))
  return list
}

export const makeView = (actions: ViewActions) => {
  const list = byId<HTMLUListElement>("files")
  const items = new Map<DemoUpload, HTMLLIElement>()
  const render = (uploads: ReadonlyArray<DemoUpload>): void => {
    let done = 0
    let total = 0
    for (const upload of uploads) {
      let li = items.get(upload)
      if (li === undefined) {
        li = itemFor(upload, actions)
        items.set(upload, li)
        list.append(li)
      }
      const size = upload.record.fingerprint.sizeBytes
      const shown = `${upload.state}|${upload.running}`
      if (li.dataset.shown !== shown) {
        li.dataset.shown = shown
        ;(li.querySelector(".buttons") as HTMLElement).replaceChildren(...buttonsFor(upload))
      }
      li.dataset.state = upload.state
      ;(li.querySelector(".state") as HTMLElement).textContent = upload.state
      const bar = li.querySelector("progress") as HTMLProgressElement
      bar.value = size === 0 ? 1 : upload.committedBytes / size
      ;(li.querySelector(".detail") as HTMLElement).textContent = `${mib(upload.committedBytes)} / ${mib(size)} MiB`
      ;(li.querySelector(".error") as HTMLElement).textContent = upload.error
      if (upload.state !== "cancelled") {
        done += upload.committedBytes
        total += size
      }
    }
    byId<HTMLProgressElement>("total").value = total === 0 ? 0 : done / total
    byId("totalText").textContent = `${mib(done)} / ${mib(total)} MiB in ${uploads.length} file(s)`
  }
  return { render, byId }
}
