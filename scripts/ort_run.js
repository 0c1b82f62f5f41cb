#!/usr/bin/env node
// Float reference runs with onnxruntime-node (installed by scripts/fetch-models.sh).
//
//   node scripts/ort_run.js MODEL.onnx IN_DIR OUT_DIR [name=HxW | name=NxCxHxW ...]
//        [--opt=disabled|basic|extended|all] [--labels=FILE --label-list=0,180]
//
// Each IN_DIR/*.bin is one raw little-endian float32 NCHW tensor for the
// model's single input. Its shape comes from the model's input metadata:
// a dynamic batch is 1 (or the file size / one sample's size), dynamic H and W
// come from `name=HxW` on the command line, else 48x192 (PaddleOCR cls).
// Every output is written as raw float32 to OUT_DIR/<same name>.bin (with more
// than one output: OUT_DIR/<stem>.<output name>.bin).
//
// --opt defaults to 'disabled': onnxruntime then runs the graph node by node
// as written (BatchNormalization not folded into Conv, no fusions), the most
// literal float reference; see docs/ppocr-notes.md for the measured
// differences between levels.
//
// --labels=FILE ("<name> <label>" lines, as written by make_text_images.py)
// prints each file's argmax and score against its label and the accuracy;
// --label-list names the output classes (default 0,180: PaddleOCR cls).
'use strict';

const fs = require('fs');
const path = require('path');
const { createRequire } = require('module');

const ROOT = path.resolve(__dirname, '..');
const NPM_DIR = process.env.QMLIR_NPM_DIR || path.join(ROOT, 'build', 'npm');

function usage(msg) {
  if (msg) console.error(`ort_run: ${msg}`);
  console.error('usage: node scripts/ort_run.js MODEL.onnx IN_DIR OUT_DIR [input=HxW ...] ' +
                '[--opt=disabled|basic|extended|all] [--labels=FILE] [--label-list=0,180]');
  process.exit(2);
}

function loadOrt() {
  const req = createRequire(path.join(NPM_DIR, 'package.json'));
  try {
    return req('onnxruntime-node');
  } catch (e) {
    console.error(`ort_run: cannot load onnxruntime-node from ${NPM_DIR}/node_modules ` +
                  `(run scripts/fetch-models.sh): ${e.message}`);
    process.exit(1);
  }
}

function parseArgs(argv) {
  const pos = [];
  const opts = { opt: 'disabled', labels: null, labelList: ['0', '180'], dims: {} };
  for (const a of argv) {
    if (a.startsWith('--opt=')) opts.opt = a.slice(6);
    else if (a.startsWith('--labels=')) opts.labels = a.slice(9);
    else if (a.startsWith('--label-list=')) opts.labelList = a.slice(13).split(',');
    else if (a.startsWith('--')) usage(`unknown option ${a}`);
    else if (pos.length >= 3 && a.includes('=')) {
      const [name, spec] = a.split('=');
      const d = spec.split('x').map(Number);
      if (!(d.length === 2 || d.length === 4) || d.some((v) => !Number.isInteger(v) || v <= 0))
        usage(`bad shape ${a} (want name=HxW or name=NxCxHxW)`);
      opts.dims[name] = d;
    } else pos.push(a);
  }
  if (pos.length !== 3) usage();
  if (!['disabled', 'basic', 'extended', 'all'].includes(opts.opt)) usage(`bad --opt ${opts.opt}`);
  return { model: pos[0], inDir: pos[1], outDir: pos[2], ...opts };
}

// Shape of one sample; a dynamic (string / negative) batch dim is left as null.
function sampleShape(meta, override) {
  const dims = meta.shape.map((d) => (typeof d === 'number' && d > 0 ? d : null));
  if (override && override.length === 4) return override.slice();
  if (dims.length === 4) {
    const [hw0, hw1] = override || [48, 192];
    if (dims[2] === null) dims[2] = hw0;
    if (dims[3] === null) dims[3] = hw1;
    if (override && (dims[2] !== hw0 || dims[3] !== hw1))
      usage(`${meta.name} has fixed H,W ${dims[2]}x${dims[3]}, not ${hw0}x${hw1}`);
  }
  for (let i = 1; i < dims.length; i++)
    if (dims[i] === null) usage(`${meta.name}: dim ${i} is dynamic; pass ${meta.name}=NxCxHxW`);
  return dims;
}

function toFloat32(buf) {
  // Copy: Buffer slices need not be 4-byte aligned.
  const ab = new ArrayBuffer(buf.length);
  new Uint8Array(ab).set(buf);
  return new Float32Array(ab);
}

function readLabels(file) {
  const m = new Map();
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const t = line.trim().split(/\s+/);
    if (t.length >= 2 && t[0]) m.set(t[0].replace(/\.bin$/, ''), t[1]);
  }
  return m;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const ort = loadOrt();
  const session = await ort.InferenceSession.create(args.model, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: args.opt,
  });
  const inMeta = session.inputMetadata;
  const outMeta = session.outputMetadata;
  if (inMeta.length !== 1) usage(`model has ${inMeta.length} inputs; only single-input models are handled`);
  const input = inMeta[0];
  if (input.type !== 'float32') usage(`input ${input.name} is ${input.type}, not float32`);
  for (const k of Object.keys(args.dims))
    if (k !== input.name) usage(`no model input named ${k} (inputs: ${input.name})`);
  const shape = sampleShape(input, args.dims[input.name]);
  const batchDynamic = !(typeof input.shape[0] === 'number' && input.shape[0] > 0);
  const perSample = shape.slice(1).reduce((a, b) => a * b, 1);

  const files = fs.readdirSync(args.inDir).filter((f) => f.endsWith('.bin')).sort();
  if (!files.length) usage(`no *.bin files in ${args.inDir}`);
  fs.mkdirSync(args.outDir, { recursive: true });
  const labels = args.labels ? readLabels(args.labels) : null;

  console.log(`model: ${args.model}`);
  console.log(`onnxruntime-node ${ort.env.versions ? ort.env.versions.common : ''} ` +
              `(CPU EP, graphOptimizationLevel=${args.opt})`);
  const fmt = (s) => '[' + s.map((d) => (typeof d === 'number' || d === 'N' ? d : `'${d}'`)).join(', ') + ']';
  const fed = batchDynamic ? ['N', ...shape.slice(1)] : shape;
  console.log(`input  ${input.name}: model ${fmt(input.shape)}, fed ${fmt(fed)} per file` +
              (batchDynamic ? ' (N = file size / one sample, normally 1)' : ''));

  let printedOut = false;
  let correct = 0;
  let counted = 0;
  for (const f of files) {
    const buf = fs.readFileSync(path.join(args.inDir, f));
    const n = buf.length / 4;
    let batch = shape[0] ?? 1;
    if (batchDynamic && Number.isInteger(n / perSample) && n > 0) batch = n / perSample;
    if (buf.length % 4 || n !== batch * perSample)
      usage(`${f}: ${buf.length} bytes, want ${4 * batch * perSample} for ${fmt([batch, ...shape.slice(1)])}`);
    const feeds = { [input.name]: new ort.Tensor('float32', toFloat32(buf), [batch, ...shape.slice(1)]) };
    const results = await session.run(feeds);

    const stem = f.replace(/\.bin$/, '');
    if (!printedOut) {
      for (const o of outMeta)
        console.log(`output ${o.name}: model ${fmt(o.shape)}, got ${fmt(results[o.name].dims)} ${results[o.name].type}`);
      printedOut = true;
    }
    for (const o of outMeta) {
      const t = results[o.name];
      const data = t.type === 'float32' ? t.data : Float32Array.from(t.data, Number);
      const name = outMeta.length === 1 ? `${stem}.bin` : `${stem}.${o.name.replace(/[^\w.-]/g, '_')}.bin`;
      fs.writeFileSync(path.join(args.outDir, name), Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    }

    if (labels) {
      const probs = results[outMeta[0].name].data;
      let best = 0;
      for (let i = 1; i < probs.length; i++) if (probs[i] > probs[best]) best = i;
      const pred = args.labelList[best] ?? String(best);
      const want = labels.get(stem);
      const ok = want === undefined ? '' : pred === want ? 'ok' : 'WRONG';
      if (want !== undefined) { counted++; if (pred === want) correct++; }
      const ps = Array.from(probs, (p) => p.toFixed(4)).join(' ');
      console.log(`${stem.padEnd(28)} probs [${ps}] pred ${pred.padStart(3)} (${probs[best].toFixed(4)})` +
                  `  label ${want ?? '?'} ${ok}`);
    }
  }
  console.log(`wrote ${files.length} x ${outMeta.length} output file(s) to ${args.outDir}`);
  if (labels && counted)
    console.log(`accuracy: ${correct}/${counted} = ${(100 * correct / counted).toFixed(1)}%`);
}

main().catch((e) => {
  console.error(`ort_run: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});
