// Types of build.mjs, for the tests that build the demo page.
/** Writes index.html and demo.js into `outdir`; resolves to the bundle's size in bytes. */
export declare const buildDemo: (outdir: string, options?: { readonly minify?: boolean }) => Promise<number>
