/**
 * Where the tests' Chromium is and how it is launched, shared by the simulation's browser runner and the browser
 * end-to-end tests so both run the same browser the same way.
 */

/** `CHROMIUM_PATH`, default Debian's `/usr/bin/chromium` (environment.md §4.2; `.ci/ensure-chromium.sh` installs it). */
export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium"

/** Launch flags that work on the Debian Chromium of the CI image. */
export const chromiumArgs: Array<string> = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic"
]
