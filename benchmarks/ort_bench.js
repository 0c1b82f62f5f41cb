#!/usr/bin/env node
// Median latency of onnxruntime-node (fp32, all graph optimizations) on one
// model, for a given thread count: the float runtime qmlir is compared with.
//   node benchmarks/ort_bench.js MODEL.onnx SHAPES THREADS [seconds]
//   [name=int64:V ...]
// SHAPES gives the f32 inputs in order (1x3x48x192, or 1x512,2x1x128 for
// several); name=int64:V feeds a scalar int64 input (a sample rate).
'use strict';
const path = require('path');
const { createRequire } = require('module');
const ROOT = path.resolve(__dirname, '..');
const NPM_DIR = process.env.QMLIR_NPM_DIR || path.join(ROOT, 'build', 'npm');
const ort = createRequire(path.join(NPM_DIR, 'package.json'))('onnxruntime-node');

async function main() {
  const [model, shapeArg, threadsArg, secondsArg, ...fixed] =
      process.argv.slice(2);
  if (!model || !shapeArg || !threadsArg) {
    console.error(
        'usage: ort_bench.js MODEL.onnx SHAPES THREADS [seconds] [name=int64:V ...]');
    process.exit(2);
  }
  const threads = Number(threadsArg);
  const budget = Number(secondsArg || 2);
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: threads, interOpNumThreads: 1,
    graphOptimizationLevel: 'all', executionMode: 'sequential'});
  const feeds = {};
  const fixedNames = new Set();
  for (const f of fixed) {
    const m = /^([^=]+)=int64:(-?\d+)$/.exec(f);
    if (!m) {
      console.error(`ort_bench: bad fixed input '${f}'`);
      process.exit(2);
    }
    feeds[m[1]] =
        new ort.Tensor('int64', BigInt64Array.from([ BigInt(m[2]) ]), []);
    fixedNames.add(m[1]);
  }
  const names = session.inputNames.filter((n) => !fixedNames.has(n));
  shapeArg.split(',').forEach((shape, k) => {
    const dims = shape.split('x').map(Number);
    const count = dims.reduce((a, b) => a * b, 1);
    const data = new Float32Array(count);
    for (let i = 0; i < count; ++i)
      data[i] = ((i * 7919) % 255) / 255 - (k ? 0.5 : 0);
    feeds[names[k]] = new ort.Tensor('float32', data, dims);
  });
  await session.run(feeds);
  let calls = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < budget * 100) { await session.run(feeds); ++calls; }
  const times = [];
  for (let r = 0; r < 9; ++r) {
    const start = performance.now();
    for (let i = 0; i < calls; ++i) await session.run(feeds);
    times.push((performance.now() - start) / calls);
  }
  times.sort((a, b) => a - b);
  console.log(`${times[4].toFixed(3)} ms per inference (median of 9 x ${calls}), ` +
              `${threads} thread${threads > 1 ? 's' : ''}`);
}
main().catch((e) => { console.error(e.message); process.exit(1); });
