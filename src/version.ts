declare const __MLOPS_VERSION__: string;

/** Set at build time from package.json (and by vitest's config in tests). */
export const VERSION = typeof __MLOPS_VERSION__ === "string" ? __MLOPS_VERSION__ : "0.0.0-dev";
