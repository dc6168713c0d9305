type YamlModule = typeof import("yaml");

/**
 * Load the yaml library on demand. It is CommonJS: Node's own loader exposes its named exports,
 * while the bundle's split chunk exposes only `default`, so take whichever carries them.
 */
export async function loadYaml(): Promise<YamlModule> {
  const mod = (await import("yaml")) as YamlModule & { default?: YamlModule };
  return "parseDocument" in mod && typeof mod.parseDocument === "function" ? mod : mod.default!;
}
