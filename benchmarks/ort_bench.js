#!/usr/bin/env node
// Median latency of onnxruntime-node (fp32, all graph optimizations) on one
// model, for a given thread count: the float runtime qmlir is compared with.
//   node benchmarks/ort_bench.js MODEL.onnx D0xD1xD2xD3 THREADS [seconds]
'use strict';
const path = require('path');
const { createRequire } = require('module');
const ROOT = path.resolve(__dirname, '..');
const NPM_DIR = process.env.QMLIR_NPM_DIR || path.join(ROOT, 'build', 'npm');
const ort = createRequire(path.join(NPM_DIR, 'package.json'))('onnxruntime-node');

async function main() {
  const [model, shapeArg, threadsArg, secondsArg] = process.argv.slice(2);
  if (!model || !shapeArg || !threadsArg) {
    console.error('usage: ort_bench.js MODEL.onnx D0xD1xD2xD3 THREADS [seconds]');
    process.exit(2);
  }
  const dims = shapeArg.split('x').map(Number);
  const threads = Number(threadsArg);
  const budget = Number(secondsArg || 2);
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: threads, interOpNumThreads: 1,
    graphOptimizationLevel: 'all', executionMode: 'sequential'});
  const count = dims.reduce((a, b) => a * b, 1);
  const data = new Float32Array(count);
  for (let i = 0; i < count; ++i) data[i] = ((i * 7919) % 255) / 255;
  const feeds = {[session.inputNames[0]]: new ort.Tensor('float32', data, dims)};
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
