// Bundles the web viewer with esbuild into OUT_DIR (default ../build/share/telemaint/web):
// index.html, app.css, app.js and digests.json (SHA-384 of each file, for pinned loaders).
// Called by CMake (target web_viewer); needs `npm ci` first (scripts/setup.sh does it).
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = process.argv[2] ?? join(here, '../build/share/telemaint/web');
mkdirSync(out, { recursive: true });

await build({
  entryPoints: [join(here, 'src/main.js')],
  bundle: true,
  format: 'esm',
  target: ['chrome110', 'firefox115', 'safari16.4'],
  minify: true,
  legalComments: 'linked',
  outfile: join(out, 'app.js'),
  logLevel: 'warning',
});
for (const f of ['index.html', 'app.css']) copyFileSync(join(here, 'static', f), join(out, f));

const digests = {};
for (const f of ['app.js', 'app.css', 'index.html'])
  digests[f] = 'sha384-' + createHash('sha384').update(readFileSync(join(out, f))).digest('base64');
writeFileSync(join(out, 'digests.json'), JSON.stringify(digests, null, 1) + '\n');
console.log(`web viewer bundled in ${out}`);
