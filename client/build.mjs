// Bundle the browser client into dist/ with esbuild (run through ./build, which installs the
// packages first).
//
//   node build.mjs            build when dist/ is missing or older than its inputs
//   node build.mjs --force    build anyway
//
// dist/ gets index.html, which names main-<hash>.js and main-<hash>.css: a new build is never
// mixed with a browser's cached copy of the last one. The new dist/ is written beside the old one
// and swapped in, so a running server never serves half a build.

import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const SRC = join(here, "src");
const DIST = join(here, "dist");
const PAGE = join(DIST, "index.html");
const INPUTS = [SRC, join(here, "build.mjs"), join(here, "package.json"), join(here, "package-lock.json")];

function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

function upToDate() {
  if (!existsSync(PAGE)) return false;
  const built = statSync(PAGE).mtimeMs;
  return INPUTS.every((input) => !existsSync(input) || newestMtime(input) <= built);
}

function assetsOf(metafile, outdir) {
  const found = {};
  for (const [path, output] of Object.entries(metafile.outputs)) {
    const name = basename(path);
    if (output.entryPoint && name.endsWith(".js")) found.js = name;
    if (name.endsWith(".css")) found.css = name;
  }
  if (!found.js || !found.css) throw new Error(`no script or stylesheet was written to ${outdir}`);
  return found;
}

async function build() {
  const staging = `${DIST}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  const result = await esbuild.build({
    entryPoints: { main: join(SRC, "main.js") },
    bundle: true,
    format: "esm",
    target: ["chrome105", "firefox104", "safari16"],
    minify: true,
    sourcemap: "linked",
    entryNames: "[name]-[hash]",
    assetNames: "[name]-[hash]",
    outdir: staging,
    metafile: true,
    logLevel: "warning",
  });
  const { js, css } = assetsOf(result.metafile, staging);
  const template = readFileSync(join(SRC, "index.html"), "utf8");
  const page = template.replaceAll("{{script}}", `/app/${js}`).replaceAll("{{style}}", `/app/${css}`);
  writeFileSync(join(staging, "index.html"), page);

  const old = `${DIST}.old-${process.pid}`;
  if (existsSync(DIST)) renameSync(DIST, old);
  renameSync(staging, DIST);
  rmSync(old, { recursive: true, force: true });
  const size = Object.entries(result.metafile.outputs)
    .filter(([path]) => !path.endsWith(".map"))
    .reduce((sum, [, output]) => sum + output.bytes, 0);
  console.log(`client: built ${relative(process.cwd(), DIST) || "."} (${js}, ${css}; ${Math.round(size / 1024)} KiB)`);
}

if (!process.argv.includes("--force") && upToDate()) {
  console.log("client: dist/ is up to date");
} else {
  await build();
}
