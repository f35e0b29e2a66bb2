// Writes the pre-compressed twins of built files, FILE.gz (gzip -9) and FILE.br (brotli at
// quality 11), which the server hands to browsers that accept them. Node's own zlib does
// both, so building needs no brotli program.  Usage: node scripts/compress.mjs FILE...
import { readFile, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

const br = promisify(brotliCompress);
const gz = promisify(gzip);

await Promise.all(process.argv.slice(2).map(async (file) => {
  const data = await readFile(file);
  const params = {
    [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
    [constants.BROTLI_PARAM_LGWIN]: constants.BROTLI_MAX_WINDOW_BITS,
    [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
  };
  const [b, g] = await Promise.all([br(data, { params }), gz(data, { level: 9 })]);
  await Promise.all([writeFile(`${file}.br`, b), writeFile(`${file}.gz`, g)]);
}));
